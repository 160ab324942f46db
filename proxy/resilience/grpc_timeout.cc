#include "proxy/resilience/grpc_timeout.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace weft::resilience {

namespace {

struct Unit {
  char symbol;
  absl::Duration size;
};
// Finest first.
constexpr int kUnitCount = 6;
const Unit* Units() {
  static const Unit kUnits[kUnitCount] = {
      {'n', absl::Nanoseconds(1)}, {'u', absl::Microseconds(1)}, {'m', absl::Milliseconds(1)},
      {'S', absl::Seconds(1)},     {'M', absl::Minutes(1)},      {'H', absl::Hours(1)},
  };
  return kUnits;
}
constexpr int64_t kMaxValue = 99999999;  // 8 digits

}  // namespace

absl::StatusOr<absl::Duration> ParseGrpcTimeout(absl::string_view value) {
  if (value.size() < 2 || value.size() > 9) {
    return absl::InvalidArgumentError(absl::StrCat(
        "grpc-timeout \"", value, "\": expected 1 to 8 digits followed by a unit (H M S m u n)"));
  }
  absl::string_view digits = value.substr(0, value.size() - 1);
  int64_t n = 0;
  for (char c : digits) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(
          absl::StrCat("grpc-timeout \"", value, "\": \"", digits, "\" is not a number"));
    }
    n = n * 10 + (c - '0');
  }
  const char unit = value.back();
  for (int i = 0; i < kUnitCount; ++i) {
    if (Units()[i].symbol == unit) return Units()[i].size * n;
  }
  return absl::InvalidArgumentError(absl::StrCat("grpc-timeout \"", value, "\": unknown unit '",
                                                 std::string(1, unit),
                                                 "' (expected H, M, S, m, u or n)"));
}

std::string FormatGrpcTimeout(absl::Duration timeout) {
  if (timeout <= absl::ZeroDuration()) return "0n";
  if (timeout == absl::InfiniteDuration()) return absl::StrCat(kMaxValue, "H");
  for (int i = 0; i < kUnitCount; ++i) {
    const Unit& u = Units()[i];
    absl::Duration remainder;
    int64_t whole = absl::IDivDuration(timeout, u.size, &remainder);
    if (whole > kMaxValue || (whole == kMaxValue && remainder > absl::ZeroDuration())) {
      continue;  // too many digits (and no overflow below)
    }
    // Ceiling division in this unit.
    int64_t value = whole + (remainder > absl::ZeroDuration() ? 1 : 0);
    return absl::StrCat(value, std::string(1, u.symbol));
  }
  return absl::StrCat(kMaxValue, "H");  // the longest expressible timeout
}

absl::Duration EffectiveTimeout(absl::Duration route_timeout,
                                std::optional<absl::Duration> grpc_timeout) {
  absl::Duration out = absl::InfiniteDuration();
  if (route_timeout > absl::ZeroDuration()) out = route_timeout;
  if (grpc_timeout.has_value()) out = std::min(out, std::max(*grpc_timeout, absl::ZeroDuration()));
  return out;
}

}  // namespace weft::resilience
