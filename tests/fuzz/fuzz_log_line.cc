// libFuzzer target: structured log lines, the paste router's prose test, and quantities.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "evidence/expr.h"
#include "evidence/gather.h"
#include "evidence/log_line.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  faultline::evidence::readable_line(text);
  faultline::evidence::looks_like_prose(text);
  faultline::evidence::parse_quantity(text);
  faultline::evidence::parse_timestamp(text);
  return 0;
}
