#include "tools/meshctl/manifest_set.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/meshctl/yaml_json.h"

namespace weft::meshctl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(SplitDocumentsTest, NumbersDocumentsLikeYamlCpp) {
  EXPECT_THAT(SplitDocuments("a: 1\n"), ElementsAre("a: 1\n"));
  EXPECT_THAT(SplitDocuments("# c\n---\na: 1\n---\nb: 2\n"), ElementsAre("a: 1\n", "b: 2\n"));
  EXPECT_THAT(SplitDocuments("a: 1\n...\n---\nb: 2\n"), ElementsAre("a: 1\n", "b: 2\n"));
  EXPECT_THAT(SplitDocuments("---\n---\na: 1\n"), ElementsAre("", "a: 1\n"));
  EXPECT_THAT(SplitDocuments("--- {a: 1}\n"), ElementsAre("{a: 1}\n"));
  EXPECT_THAT(SplitDocuments(""), IsEmpty());
  // A "---" inside a value is not a separator.
  EXPECT_THAT(SplitDocuments("a: |\n  ---x\n"), ElementsAre("a: |\n  ---x\n"));
}

TEST(ParseIntoSetTest, KeepsEachDocumentsTextAndOwnership) {
  const std::string text =
      "# leading comment\n"
      "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 80}]}\n"
      "---\n"
      "apiVersion: v1\nkind: Service\nmetadata: {name: b, namespace: x}\n"
      "spec: {ports: [{port: 81}]}  # trailing\n";
  ManifestSet set;
  config::ProblemList problems;
  ParseIntoSet(text, "two.yaml", set, problems);
  ASSERT_TRUE(problems.empty());
  ASSERT_EQ(set.objects.size(), 2u);
  EXPECT_EQ(set.objects[1].id.ToString(), "service/x/b");
  EXPECT_THAT(set.objects[1].text, HasSubstr("# trailing"));
  EXPECT_THAT(set.objects[0].text, HasSubstr("# leading comment"));
  EXPECT_FALSE(set.objects[0].sole_in_file);
  ASSERT_NE(set.Find(ObjectId{"Service", "default", "a"}), nullptr);

  ManifestSet single;
  ParseIntoSet("---\n" + text.substr(0, text.find("---")), "one.yaml", single, problems);
  ASSERT_EQ(single.objects.size(), 1u);
  EXPECT_TRUE(single.objects[0].sole_in_file);
}

TEST(YamlJsonTest, TypesScalarsLikeYaml12) {
  absl::StatusOr<std::string> json =
      YamlDocumentToJson("a: 1\nb: \"1\"\nc: true\nd: ~\ne: [x, 1.5]\nf: {}\ng: \"q\\\"\"\n");
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json,
            "{\n  \"a\": 1,\n  \"b\": \"1\",\n  \"c\": true,\n  \"d\": null,\n"
            "  \"e\": [\n    \"x\",\n    1.5\n  ],\n  \"f\": {},\n  \"g\": \"q\\\"\"\n}");
}

}  // namespace
}  // namespace weft::meshctl
