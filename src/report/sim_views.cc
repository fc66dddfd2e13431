#include "report/sim_views.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace faultline::report {

namespace {

std::string number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

Json param_json(const nlohmann::json& v) { return v; }

}  // namespace

std::string sparkline(const std::vector<sim::Recorder::Point>& series, std::size_t width) {
  static const char* kBlocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  if (series.empty() || width == 0) return "";
  std::vector<double> buckets(std::min(width, series.size()), 0);
  std::vector<int> counts(buckets.size(), 0);
  for (std::size_t i = 0; i < series.size(); ++i) {
    std::size_t b = i * buckets.size() / series.size();
    buckets[b] += series[i].v;
    ++counts[b];
  }
  for (std::size_t b = 0; b < buckets.size(); ++b) buckets[b] /= std::max(1, counts[b]);
  auto [lo, hi] = std::minmax_element(buckets.begin(), buckets.end());
  std::string out;
  for (double v : buckets) {
    int level = *hi > *lo ? static_cast<int>((v - *lo) / (*hi - *lo) * 7.999) : 0;
    out += kBlocks[std::clamp(level, 0, 7)];
  }
  return out;
}

Json verify_json(const std::vector<sim::Verification>& results, double elapsed_ms) {
  Json arr = Json::array();
  int passed = 0;
  for (const sim::Verification& v : results) {
    Json checks = Json::array();
    for (const sim::Check& c : v.checks)
      checks.push_back(
          {{"output", c.output}, {"phase", c.phase}, {"expect", c.expect}, {"value", c.value}, {"ok", c.ok}});
    Json j{
        {"case", v.case_id}, {"model", v.model}, {"reproduced", v.reproduced}, {"fixed", v.fixed}, {"checks", checks}};
    if (!v.bound.empty()) j["bound"] = v.bound;
    arr.push_back(std::move(j));
    passed += v.reproduced && v.fixed;
  }
  return {{"results", arr},
          {"passed", passed},
          {"failed", static_cast<int>(results.size()) - passed},
          {"elapsed_ms", elapsed_ms}};
}

std::string verify_text(const std::vector<sim::Verification>& results, double elapsed_ms, const Style& s) {
  std::ostringstream out;
  int passed = 0;
  for (const sim::Verification& v : results) {
    bool ok = v.reproduced && v.fixed;
    passed += ok;
    out << (ok ? s.good("PASS") : s.bad("FAIL")) << "  case " << v.case_id << "  " << s.dim(v.model) << "\n";
    for (const sim::Check& c : v.checks)
      out << "      " << (c.ok ? s.good("✓") : s.bad("✗")) << " " << pad(c.phase, 6) << pad(c.output, 26)
          << pad(number(c.value), 12) << s.dim("expect " + c.expect) << "\n";
    if (!v.cause.series.empty())
      out << "      " << s.dim("cause ") << s.accent(sparkline(v.cause.series)) << "\n      " << s.dim("fix   ")
          << s.good(sparkline(v.fix.series)) << "\n";
  }
  out << passed << " passed, " << results.size() - static_cast<std::size_t>(passed) << " failed";
  char buf[48];
  std::snprintf(buf, sizeof buf, " in %.0f ms\n", elapsed_ms);
  out << buf;
  return out.str();
}

Json simulate_json(const sim::Model& model, const sim::RunResult& r) {
  Json outputs = Json::object();
  for (const auto& [k, v] : r.outputs) outputs[k] = v;
  Json series = Json::array();
  for (const auto& p : r.series) series.push_back({p.t, p.v});
  return {{"model", model.info().name}, {"outputs", outputs}, {"series", series}};
}

std::string simulate_text(const sim::Model& model, const sim::RunResult& r, const Style& s) {
  std::ostringstream out;
  out << s.bold(model.info().name) << "\n";
  for (const auto& [k, v] : r.outputs) out << "  " << pad(k, 28) << number(v) << "\n";
  if (!r.series.empty()) out << "  " << pad(model.info().main_series, 28) << sparkline(r.series) << "\n";
  return out.str();
}

Json models_json(const std::vector<const sim::Model*>& models) {
  Json arr = Json::array();
  for (const sim::Model* m : models) {
    Json params = Json::array(), outputs = Json::array();
    for (const auto& p : m->info().params)
      params.push_back({{"name", p.name}, {"default", param_json(p.default_value)}, {"doc", p.doc}});
    for (const auto& o : m->info().outputs) outputs.push_back({{"name", o.name}, {"doc", o.doc}});
    arr.push_back(
        {{"model", m->info().name}, {"summary", m->info().summary}, {"params", params}, {"outputs", outputs}});
  }
  return {{"models", arr}};
}

std::string models_text(const std::vector<const sim::Model*>& models, const Style& s) {
  std::ostringstream out;
  for (const sim::Model* m : models) {
    out << s.bold(m->info().name) << "  " << m->info().summary << "\n" << s.dim("  parameters") << "\n";
    for (const auto& p : m->info().params)
      out << "    " << pad(p.name, 30) << pad(p.default_value.is_null() ? "(required)" : p.default_value.dump(), 18)
          << s.dim(p.doc) << "\n";
    out << s.dim("  outputs") << "\n";
    for (const auto& o : m->info().outputs) out << "    " << pad(o.name, 30) << s.dim(o.doc) << "\n";
    out << "\n";
  }
  return out.str();
}

}  // namespace faultline::report
