// libFuzzer target: the knowledge-base loader and validator on an arbitrary YAML file, read as
// a case or signal file on its own (findings, never a crash). The embedded base is left out so
// that a run takes microseconds, not the milliseconds of validating 26 cases.
#include <cstddef>
#include <cstdint>
#include <string>

#include "kb/validate.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<faultline::kb::SourceFile> overlay = {
      {"fuzz/cases/300-fuzz.yaml", std::string(reinterpret_cast<const char*>(data), size)}};
  faultline::kb::load_knowledge_base({}, overlay);
  return 0;
}
