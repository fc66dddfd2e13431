#include "report/style.h"

#include <sstream>

namespace faultline::report {

std::string wrap_text(std::string_view text, std::string_view indent, std::size_t width) {
  std::string out;
  std::string line;
  auto flush = [&] {
    if (!line.empty()) out += std::string(indent) + line + "\n";
    line.clear();
  };
  std::size_t i = 0;
  while (i < text.size()) {
    // A blank line ends a paragraph.
    if (text[i] == '\n' && i + 1 < text.size() && text[i + 1] == '\n') {
      flush();
      out += "\n";
      while (i < text.size() && text[i] == '\n') ++i;
      continue;
    }
    if (text[i] == ' ' || text[i] == '\n' || text[i] == '\t') {
      ++i;
      continue;
    }
    std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\n' && text[i] != '\t') ++i;
    std::string_view word = text.substr(start, i - start);
    if (!line.empty() && indent.size() + line.size() + 1 + word.size() > width) flush();
    if (!line.empty()) line += ' ';
    line += word;
  }
  flush();
  return out;
}

}  // namespace faultline::report
