#include "common/error.h"

namespace faultline {

std::string Location::str() const {
  std::string s = file;
  if (line > 0) {
    s += ":" + std::to_string(line);
    if (column > 0) s += ":" + std::to_string(column);
  }
  return s;
}

Error::Error(Location where, std::string code, const std::string& what)
    : std::runtime_error(what), where_(std::move(where)), code_(std::move(code)) {}

std::string Error::message() const {
  std::string s;
  if (where_.known()) s += where_.str() + ": ";
  if (!code_.empty()) s += code_ + ": ";
  return s + what();
}

}  // namespace faultline
