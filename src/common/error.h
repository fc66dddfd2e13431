// The one error type of faultline. Everything under src/ reports failure by throwing
// faultline::Error, which carries where (a file:line:column, or an input and line) and what.
// Only cli/ turns an Error into a message and an exit code. Library exceptions (yaml-cpp,
// SQLiteCpp, RE2 status) are caught in the file that adapts that library and rethrown as Error.
#pragma once

#include <stdexcept>
#include <string>

namespace faultline {

/// A place in a file or input. line and column are 1-based; 0 means "not known".
struct Location {
  std::string file;
  int line = 0;
  int column = 0;

  /// "file:line:column", "file:line" or "file", whichever parts are known.
  std::string str() const;
  bool known() const { return !file.empty(); }
};

class Error : public std::runtime_error {
 public:
  /// code: a stable identifier such as "KB008" or "IN001"; may be empty.
  Error(Location where, std::string code, const std::string& what);
  explicit Error(const std::string& what) : Error({}, "", what) {}

  const Location& where() const { return where_; }
  const std::string& code() const { return code_; }
  /// The one-line message cli/ prints: "where: code: what".
  std::string message() const;

 private:
  Location where_;
  std::string code_;
};

}  // namespace faultline
