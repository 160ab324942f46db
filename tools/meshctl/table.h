#ifndef WEFT_TOOLS_MESHCTL_TABLE_H_
#define WEFT_TOOLS_MESHCTL_TABLE_H_

// Column-aligned plain-text tables, kubectl style: upper-case header, columns
// separated by three spaces, no trailing spaces.
//
// Thread-compatible (a pure function).

#include <string>
#include <vector>

namespace weft::meshctl {

std::string FormatTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows);

}  // namespace weft::meshctl

#endif  // WEFT_TOOLS_MESHCTL_TABLE_H_
