// libFuzzer target: the Prometheus text reader and the CSV series reader on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/error.h"
#include "evidence/metrics.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  faultline::evidence::MetricStore store;
  faultline::evidence::read_prometheus(text, "fuzz.prom", store);
  try {
    faultline::evidence::read_csv_series(text, "fuzz.csv", store);
  } catch (const faultline::Error&) {
  }
  store.finish();
  return 0;
}
