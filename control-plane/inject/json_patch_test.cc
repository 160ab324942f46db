#include "control-plane/inject/json_patch.h"

#include "gtest/gtest.h"

namespace weft::inject {
namespace {

Json Parse(const char* text) { return *Json::Parse(text); }

TEST(JsonPatchTest, EscapesPointerTokens) {
  EXPECT_EQ(EscapePointerToken("weft.dev/inject"), "weft.dev~1inject");
  EXPECT_EQ(EscapePointerToken("a~b/c"), "a~0b~1c");
  EXPECT_EQ(EscapePointerToken("~1"), "~01");
}

TEST(JsonPatchTest, AppliesAddReplaceRemoveWithEscapedPaths) {
  Json doc = Parse(R"({"metadata": {"annotations": {"a/b": "1", "c~d": "2"}}, "list": [1, 2]})");
  ASSERT_TRUE(ApplyPatch({PatchOp::Add("/metadata/annotations/weft.dev~1x", Json::String("y")),
                          PatchOp::Replace("/metadata/annotations/a~1b", Json::String("3")),
                          PatchOp::Remove("/metadata/annotations/c~0d"),
                          PatchOp::Add("/list/0", Json::Number(0)),
                          PatchOp::Add("/list/-", Json::Number(3))},
                         &doc)
                  .ok());
  EXPECT_EQ(doc, Parse(R"({"metadata": {"annotations": {"a/b": "3", "weft.dev/x": "y"}},
                           "list": [0, 1, 2, 3]})"));
}

TEST(JsonPatchTest, NamesTheOpThatDoesNotResolve) {
  Json doc = Parse(R"({"spec": {"containers": []}})");
  absl::Status s = ApplyPatch({PatchOp::Add("/spec/volumes/-", Json::Object())}, &doc);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("patch op 0 (add /spec/volumes/-)"), std::string::npos) << s;
  EXPECT_FALSE(ApplyPatch({PatchOp::Replace("/spec/containers/0", Json())}, &doc).ok());
  EXPECT_FALSE(ApplyPatch({PatchOp::Remove("/spec/nothing")}, &doc).ok());
  EXPECT_FALSE(ApplyPatch({PatchOp::Add("no-slash", Json())}, &doc).ok());
}

TEST(JsonPatchTest, RoundTripsThroughJson) {
  const std::vector<PatchOp> ops = {PatchOp::Add("/a", Json::Number(1)), PatchOp::Remove("/b")};
  const Json j = PatchToJson(ops);
  EXPECT_EQ(j.DumpCompact(), R"([{"op":"add","path":"/a","value":1},{"op":"remove","path":"/b"}])");
  absl::StatusOr<std::vector<PatchOp>> back = PatchFromJson(j);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[1].op, "remove");
  EXPECT_FALSE(PatchFromJson(Parse(R"([{"op": 1}])")).ok());
}

}  // namespace
}  // namespace weft::inject
