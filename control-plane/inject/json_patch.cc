#include "control-plane/inject/json_patch.h"

#include <cstddef>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"

namespace weft::inject {
namespace {

std::string UnescapeToken(absl::string_view token) {
  return absl::StrReplaceAll(token, {{"~1", "/"}, {"~0", "~"}});
}

// Resolves every token but the last; returns the parent and sets *last.
absl::Status Resolve(Json* doc, absl::string_view path, Json** parent, std::string* last) {
  if (path.empty() || path[0] != '/') {
    return absl::InvalidArgumentError("a JSON Pointer starts with '/'");
  }
  std::vector<std::string> tokens;
  for (absl::string_view t : absl::StrSplit(path.substr(1), '/')) tokens.push_back(UnescapeToken(t));
  Json* at = doc;
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    if (at->type() == Json::Type::kObject) {
      at = at->Find(t);
      if (at == nullptr) return absl::InvalidArgumentError(absl::StrCat("no member \"", t, "\""));
    } else if (at->type() == Json::Type::kArray) {
      size_t index;
      if (!absl::SimpleAtoi(t, &index) || index >= at->items().size()) {
        return absl::InvalidArgumentError(absl::StrCat("no array element \"", t, "\""));
      }
      at = &at->mutable_items()[index];
    } else {
      return absl::InvalidArgumentError(absl::StrCat("\"", t, "\" is inside a scalar"));
    }
  }
  *parent = at;
  *last = tokens.back();
  return absl::OkStatus();
}

absl::Status ApplyOne(const PatchOp& op, Json* doc) {
  Json* parent = nullptr;
  std::string last;
  if (absl::Status s = Resolve(doc, op.path, &parent, &last); !s.ok()) return s;
  if (parent->type() == Json::Type::kObject) {
    const bool exists = parent->Has(last);
    if (op.op == "add") {
      parent->Set(last, op.value);
    } else if (!exists) {
      return absl::InvalidArgumentError(absl::StrCat("no member \"", last, "\""));
    } else if (op.op == "replace") {
      *parent->Find(last) = op.value;
    } else if (op.op == "remove") {
      parent->Erase(last);
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unsupported op \"", op.op, "\""));
    }
    return absl::OkStatus();
  }
  if (parent->type() != Json::Type::kArray) {
    return absl::InvalidArgumentError("the parent is neither an object nor an array");
  }
  std::vector<Json>& items = parent->mutable_items();
  size_t index = items.size();
  if (!(op.op == "add" && last == "-")) {
    if (!absl::SimpleAtoi(last, &index) || index > items.size() ||
        (op.op != "add" && index == items.size())) {
      return absl::InvalidArgumentError(absl::StrCat("array index \"", last, "\" out of range"));
    }
  }
  if (op.op == "add") {
    items.insert(items.begin() + index, op.value);
  } else if (op.op == "replace") {
    items[index] = op.value;
  } else if (op.op == "remove") {
    items.erase(items.begin() + index);
  } else {
    return absl::InvalidArgumentError(absl::StrCat("unsupported op \"", op.op, "\""));
  }
  return absl::OkStatus();
}

}  // namespace

std::string EscapePointerToken(absl::string_view token) {
  return absl::StrReplaceAll(token, {{"~", "~0"}, {"/", "~1"}});
}

Json PatchToJson(const std::vector<PatchOp>& ops) {
  Json out = Json::Array();
  for (const PatchOp& op : ops) {
    Json j = Json::Object();
    j.Set("op", Json::String(op.op));
    j.Set("path", Json::String(op.path));
    if (op.op != "remove") j.Set("value", op.value);
    out.Push(std::move(j));
  }
  return out;
}

absl::StatusOr<std::vector<PatchOp>> PatchFromJson(const Json& patch) {
  if (patch.type() != Json::Type::kArray) return absl::InvalidArgumentError("a patch is a list");
  std::vector<PatchOp> ops;
  for (const Json& op : patch.items()) {
    if (op["op"].type() != Json::Type::kString || op["path"].type() != Json::Type::kString) {
      return absl::InvalidArgumentError(
          absl::StrCat("patch op ", ops.size(), ": \"op\" and \"path\" must be strings"));
    }
    ops.push_back({op.Text("op"), op.Text("path"), op["value"]});
  }
  return ops;
}

absl::Status ApplyPatch(const std::vector<PatchOp>& ops, Json* doc) {
  for (size_t i = 0; i < ops.size(); ++i) {
    if (absl::Status s = ApplyOne(ops[i], doc); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("patch op ", i, " (", ops[i].op, " ", ops[i].path, "): ", s.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace weft::inject
