#include "proxy/http/header_mutation.h"

namespace weft::http {

void ApplyHeaderMutation(const config::HeaderMutation& mutation, HeaderMap& headers) {
  for (const std::string& name : mutation.remove) headers.Remove(name);
  for (const config::HeaderToAdd& header : mutation.add) {
    switch (header.action) {
      case config::HeaderToAdd::Action::kAppend:
        headers.Add(header.name, header.value);
        break;
      case config::HeaderToAdd::Action::kOverwrite:
        headers.Set(header.name, header.value);
        break;
      case config::HeaderToAdd::Action::kAddIfAbsent:
        if (!headers.Has(header.name)) headers.Add(header.name, header.value);
        break;
    }
  }
}

}  // namespace weft::http
