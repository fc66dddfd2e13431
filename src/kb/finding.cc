#include "kb/finding.h"

#include <algorithm>

namespace faultline::kb {

std::string Finding::str() const {
  std::string s = where.known() ? where.str() + ": " : "";
  return s + (is_error() ? "error " : "warning ") + code + ": " + message;
}

bool has_errors(const Findings& findings) {
  return std::any_of(findings.begin(), findings.end(), [](const Finding& f) { return f.is_error(); });
}

void throw_first_error(const Findings& findings) {
  for (const Finding& f : findings)
    if (f.is_error()) throw Error(f.where, f.code, f.message);
}

}  // namespace faultline::kb
