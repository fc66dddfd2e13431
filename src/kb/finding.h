// A linter finding: severity, stable code (listed in kb/README.md), place and message.
// Produced by the loader (kb/loader.h) and the validator (kb/validate.h); printed by cli/.
#pragma once

#include <string>
#include <vector>

#include "common/error.h"

namespace faultline::kb {

struct Finding {
  enum class Severity { Error, Warning };
  Severity severity = Severity::Error;
  std::string code;  ///< "KB008"
  Location where;
  std::string message;  ///< one line, may end with a "did you mean" hint

  bool is_error() const { return severity == Severity::Error; }
  /// "file:line:col: error KB008: message"
  std::string str() const;
};

using Findings = std::vector<Finding>;

bool has_errors(const Findings& findings);

/// Throws the first error finding as an Error (for commands that refuse a broken base).
void throw_first_error(const Findings& findings);

}  // namespace faultline::kb
