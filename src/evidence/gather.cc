#include "evidence/gather.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include <yaml-cpp/yaml.h>

#include "common/error.h"
#include "evidence/block_reader.h"
#include "evidence/expr_eval.h"
#include "evidence/log_line.h"
#include "kb/source.h"

namespace faultline::evidence {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxProseBytes = 256 * 1024;            // prose beyond this is not read
constexpr std::size_t kMaxCsvBytes = 16 * 1024 * 1024;        // a CSV block held for parsing
constexpr std::size_t kMaxSmallFileBytes = 16 * 1024 * 1024;  // metrics, facts, prose files
constexpr std::size_t kDigestHeadBytes = 64 * 1024;           // of each input, for the history
constexpr std::size_t kParallelMinBytes = 512 * 1024;         // blocks worth a second thread

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// In a paste, a metric sample has a name with '_' or ':' (or labels) and a number after it;
// "ERROR 500" is a log line, not a metric named ERROR.
bool looks_like_metric_sample(std::string_view line) {
  std::size_t name_end = line.find_first_of("{ ");
  if (name_end == std::string_view::npos) return false;
  std::string_view name = line.substr(0, name_end);
  if (name.find('_') == std::string_view::npos && name.find(':') == std::string_view::npos && line[name_end] != '{')
    return false;
  return looks_like_prometheus(line);
}

InputKind kind_by_name(const fs::path& p) {
  std::string name = lower(p.filename().string());
  std::string ext = lower(p.extension().string());
  if (name == "facts.yaml" || name == "facts.yml") return InputKind::Facts;
  if (ext == ".prom") return InputKind::Prometheus;
  if (ext == ".csv") return InputKind::Series;
  if (name.rfind("description", 0) == 0 || ext == ".md" || name.rfind("notes", 0) == 0) return InputKind::Prose;
  if (ext == ".log" || ext == ".jsonl" || name == "events.txt") return InputKind::Log;
  return InputKind::Auto;
}

// An open input: a file or stdin, closed on destruction.
class InputFile {
 public:
  InputFile(const std::string& path) : name_(path == "-" ? "stdin" : path) {
    if (path == "-") {
      fd_ = STDIN_FILENO;
      return;
    }
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw Error({path}, "IN001", std::string("cannot open: ") + std::strerror(errno));
    owned_ = true;
  }
  ~InputFile() {
    if (owned_) ::close(fd_);
  }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  int fd() const { return fd_; }
  const std::string& name() const { return name_; }

  /// The whole file, up to limit bytes (with a warning past it).
  std::string read_all(std::size_t limit, std::vector<std::string>& warnings) {
    std::string out;
    BlockReader reader(fd_, name_, 1 << 20, 1 << 20);
    std::string_view block;
    std::uint64_t first = 0;
    while (reader.next(block, first)) {
      if (out.size() + block.size() > limit) {
        warnings.push_back(name_ + ": only the first " + std::to_string(limit >> 20) + " MiB were read");
        break;
      }
      out.append(block);
    }
    return out;
  }

 private:
  int fd_ = -1;
  bool owned_ = false;
  std::string name_;
};

class Gatherer {
 public:
  Gatherer(const Rules& rules, const GatherOptions& options)
      : rules_(rules), options_(options), scanner_(rules.scan_plan(), options.max_line_bytes) {}

  Evidence run() {
    auto start = Clock::now();
    ev_.input.digest = kb::kHashSeed;
    for (const InputSpec& in : options_.inputs) read_input(in);
    for (const std::string& text : options_.describe) {
      ev_.prose.push_back({"--describe", text});
      digest("--describe", text, text.size());
    }
    for (const std::string& arg : options_.metric_args) read_metric_argument(arg, ev_.metrics);
    for (const std::string& arg : options_.fact_args) add_fact(arg, ev_.facts);
    ev_.observations = scanner_.observations();
    ev_.scan = scanner_.stats();
    ev_.times.read_ms = ms_since(start) - scan_ms_;
    ev_.times.scan_ms = scan_ms_;
    ev_.metrics.finish();
    ev_.input.metrics = ev_.metrics.size();
    auto t = Clock::now();
    evaluate_metrics(rules_, ev_);
    ev_.times.metrics_ms = ms_since(t);
    t = Clock::now();
    match_phrases(rules_, ev_);
    ev_.times.prose_ms = ms_since(t);
    if (ev_.scan.truncated_lines)
      ev_.warnings.push_back(std::to_string(ev_.scan.truncated_lines) + " lines longer than " +
                             std::to_string(options_.max_line_bytes) + " bytes were cut for matching");
    return std::move(ev_);
  }

 private:
  void read_input(const InputSpec& in) {
    if (in.path == "-") return read_file(in.path, in.kind);
    std::error_code ec;
    fs::file_status st = fs::status(in.path, ec);
    if (ec || !fs::exists(st)) throw Error({in.path}, "IN001", "no such file or folder");
    if (fs::is_directory(st)) {
      std::vector<fs::path> files;
      for (const auto& e : fs::directory_iterator(in.path, ec))
        if (e.is_regular_file() && e.path().filename() != "expected.yaml" && e.path().filename().string()[0] != '.')
          files.push_back(e.path());
      if (ec) throw Error({in.path}, "IN001", "cannot read folder: " + ec.message());
      if (files.empty()) throw Error({in.path}, "IN003", "not an incident folder: it holds no files to read");
      std::sort(files.begin(), files.end());
      for (const fs::path& f : files) read_file(f.string(), InputKind::Auto, true);
      return;
    }
    if (!fs::is_regular_file(st) && !fs::is_fifo(st) && !fs::is_character_file(st))
      throw Error({in.path}, "IN003", "not a file or an incident folder");
    read_file(in.path, in.kind);
  }

  // in_folder: the file's kind was guessed from its name inside an incident folder, so a file
  // that turns out not to be that kind is read as text with a warning instead of refused.
  void read_file(const std::string& path, InputKind kind, bool in_folder = false) {
    InputFile file(path);
    ++ev_.input.files;
    if (kind == InputKind::Auto && path != "-") kind = kind_by_name(path);
    std::string label = path == "-" ? "stdin" : fs::path(path).filename().string();
    switch (kind) {
      case InputKind::Log:
        return read_log(file, label);
      case InputKind::Auto:
        return read_mixed(file, label);
      default:
        break;
    }
    std::string text = file.read_all(kMaxSmallFileBytes, ev_.warnings);
    digest(label, text, text.size());
    ev_.input.bytes += text.size();
    ev_.input.lines += static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n'));
    if (looks_binary(std::string_view(text).substr(0, 4096))) {
      ev_.warnings.push_back(label + ": looks binary, skipped");
      return;
    }
    try {
      switch (kind) {
        case InputKind::Prometheus:
          add_report(read_prometheus(text, label, ev_.metrics));
          break;
        case InputKind::Series:
          add_report(read_csv_series(text, label, ev_.metrics));
          break;
        case InputKind::Prose:
          add_prose(label, text);
          break;
        case InputKind::Facts:
          read_facts(text, label);
          break;
        default:
          break;
      }
    } catch (const Error& e) {
      if (!in_folder) throw;
      ev_.warnings.push_back(e.message() + "; read as text instead");
      scan(text, label, 1);
    }
  }

  void digest(const std::string& label, std::string_view head, std::uint64_t bytes) {
    ev_.input.digest = kb::fnv1a(ev_.input.digest, label);
    ev_.input.digest = kb::fnv1a(ev_.input.digest, head.substr(0, kDigestHeadBytes));
    ev_.input.digest = kb::fnv1a(ev_.input.digest, std::to_string(bytes));
  }

  void add_report(const ReadReport& r) {
    for (std::size_t i = 0; i < r.warnings.size() && i < 5; ++i) ev_.warnings.push_back(r.warnings[i]);
    if (r.warnings.size() > 5)
      ev_.warnings.push_back("... and " + std::to_string(r.warnings.size() - 5) + " more skipped lines");
  }

  void add_prose(const std::string& source, std::string_view text) {
    if (prose_bytes_ >= kMaxProseBytes) return;
    text = text.substr(0, kMaxProseBytes - prose_bytes_);
    prose_bytes_ += text.size();
    ev_.prose.push_back({source, std::string(text)});
  }

  void scan(std::string_view block, const std::string& label, std::uint64_t first_line) {
    auto t = Clock::now();
    scanner_.scan_block(block, label, first_line);
    scan_ms_ += ms_since(t);
  }

  // A large block is cut at a line end near its middle and the halves scanned on two threads;
  // the second half's findings are merged in after the file (Scanner::merge_from).
  void scan_in_parallel(std::string_view block, const std::string& label, std::uint64_t first_line) {
    std::size_t cut = block.size() < kParallelMinBytes ? std::string_view::npos : block.find('\n', block.size() / 2);
    if (cut == std::string_view::npos || cut + 1 >= block.size()) return scan(block, label, first_line);
    auto t = Clock::now();
    std::string_view first_half = block.substr(0, cut + 1), second_half = block.substr(cut + 1);
    std::uint64_t second_line =
        first_line + static_cast<std::uint64_t>(std::count(first_half.begin(), first_half.end(), '\n'));
    if (!second_scanner_) second_scanner_ = std::make_unique<Scanner>(rules_.scan_plan(), options_.max_line_bytes);
    std::thread helper([&] { second_scanner_->scan_block(second_half, label, second_line); });
    scanner_.scan_block(first_half, label, first_line);
    helper.join();
    scan_ms_ += ms_since(t);
  }

  void merge_second_scanner() {
    if (second_scanner_) scanner_.merge_from(*second_scanner_);
  }

  void read_log(InputFile& file, const std::string& label) {
    BlockReader reader(file.fd(), file.name(), options_.block_bytes, options_.max_line_bytes);
    std::string_view block;
    std::uint64_t first = 0;
    bool checked = false;
    std::uint64_t lines_before = scanner_.stats().lines;
    std::string head;
    bool json_lines = false;
    std::string readable;
    while (reader.next(block, first)) {
      if (!checked) {
        if (!(checked = accept_first_block(block, label, head))) return;
        json_lines = looks_like_json_object(block.substr(0, block.find('\n')));
      }
      if (block.find('\0') != std::string_view::npos && !warned_nul_) {
        warned_nul_ = true;
        ev_.warnings.push_back(label + ": contains NUL bytes; read as text");
      }
      if (json_lines) {
        // One readable line per input line, so line numbers stay those of the file.
        readable.clear();
        for (std::size_t start = 0; start < block.size();) {
          std::size_t end = block.find('\n', start);
          if (end == std::string_view::npos) end = block.size();
          readable += readable_line(block.substr(start, end - start));
          readable += '\n';
          start = end + 1;
        }
        if (!block.empty() && block.back() != '\n') readable.pop_back();
        scan_in_parallel(readable, label, first);
      } else {
        scan_in_parallel(block, label, first);
      }
    }
    merge_second_scanner();
    digest(label, head, reader.bytes_read());
    ev_.input.bytes += reader.bytes_read();
    ev_.input.lines += scanner_.stats().lines - lines_before;
    warn_giant_lines(label, reader);
  }

  // Keeps the head of a streamed input for its digest; false (with a warning) if it is binary.
  bool accept_first_block(std::string_view block, const std::string& label, std::string& head) {
    head = std::string(block.substr(0, kDigestHeadBytes));
    if (!looks_binary(block.substr(0, 4096))) return true;
    ev_.warnings.push_back(label + ": looks binary, skipped");
    return false;
  }

  void warn_giant_lines(const std::string& label, const BlockReader& reader) {
    if (reader.giant_lines())
      ev_.warnings.push_back(label + ": " + std::to_string(reader.giant_lines()) +
                             " very long lines were cut to their first " + std::to_string(options_.max_line_bytes) +
                             " bytes");
  }

  // A paste or unknown file: each line goes where it belongs.
  void read_mixed(InputFile& file, const std::string& label) {
    BlockReader reader(file.fd(), file.name(), options_.block_bytes, options_.max_line_bytes);
    std::string_view block;
    std::uint64_t first = 0;
    std::string csv;
    std::uint64_t csv_line = 0, lines = 0;
    bool checked = false;
    std::string head;
    auto flush_csv = [&] {
      if (csv.empty()) return;
      try {
        add_report(read_csv_series(csv, label, ev_.metrics, static_cast<int>(csv_line)));
      } catch (const Error& e) {
        ev_.warnings.push_back(e.message());
      }
      csv.clear();
    };
    while (reader.next(block, first)) {
      if (!checked && !(checked = accept_first_block(block, label, head))) return;
      std::uint64_t line_no = first;
      for (std::size_t start = 0; start < block.size(); ++line_no) {
        std::size_t end = block.find('\n', start);
        if (end == std::string_view::npos) end = block.size();
        std::string_view line = block.substr(start, end - start);
        std::string_view bare = trim(line);
        start = end + 1;
        ++lines;
        if (!csv.empty()) {
          if (!bare.empty() && bare.find(',') != std::string_view::npos && csv.size() < kMaxCsvBytes) {
            csv.append(bare).push_back('\n');
            continue;
          }
          flush_csv();
        }
        if (bare.empty()) continue;
        if (looks_like_csv_header(bare)) {
          csv_line = line_no;
          csv.append(bare).push_back('\n');
          continue;
        }
        if (bare.rfind("# HELP ", 0) == 0 || bare.rfind("# TYPE ", 0) == 0) continue;
        if (looks_like_metric_sample(bare) &&
            read_prometheus_line(bare, label + ":" + std::to_string(line_no), ev_.metrics))
          continue;
        if (looks_like_prose(bare)) add_prose(label + ":" + std::to_string(line_no), bare);
        if (looks_like_json_object(line))
          scan(readable_line(line), label, line_no);
        else
          scan(line, label, line_no);
      }
    }
    flush_csv();
    digest(label, head, reader.bytes_read());
    ev_.input.bytes += reader.bytes_read();
    ev_.input.lines += lines;
    warn_giant_lines(label, reader);
  }

  void read_facts(const std::string& text, const std::string& label) {
    try {
      YAML::Node root = YAML::Load(text);
      if (!root.IsMap()) throw Error({label}, "IN006", "facts must be a mapping of key: value");
      for (auto it = root.begin(); it != root.end(); ++it) {
        std::string key = lower(it->first.Scalar());
        // Hold the value: yaml-cpp's iterator hands out a temporary proxy.
        YAML::Node values = it->second;
        if (values.IsSequence())
          for (const auto& v : values) ev_.facts[key].push_back(lower(v.Scalar()));
        else if (it->second.IsScalar())
          ev_.facts[key].push_back(lower(it->second.Scalar()));
      }
    } catch (const YAML::Exception& e) {
      throw Error({label, e.mark.line + 1, e.mark.column + 1}, "IN006", "malformed facts: " + e.msg);
    }
  }

  const Rules& rules_;
  const GatherOptions& options_;
  Scanner scanner_;
  std::unique_ptr<Scanner> second_scanner_;  ///< scans second halves of large blocks
  Evidence ev_;
  double scan_ms_ = 0;
  std::size_t prose_bytes_ = 0;
  bool warned_nul_ = false;
};

bool word_char(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }

const char* const kNegations[] = {"no",     "not",    "never",   "without", "nothing", "none",   "zero", "isn't",
                                  "aren't", "wasn't", "weren't", "don't",   "doesn't", "didn't", "nor"};

// True if one of the three words before pos negates what follows.
bool negated(const std::string& text, std::size_t pos) {
  std::size_t end = pos;
  for (int words = 0; words < 3; ++words) {
    while (end > 0 && !word_char(text[end - 1]) && text[end - 1] != '\'') {
      if (text[end - 1] == '.' || text[end - 1] == ',' || text[end - 1] == ';') return false;
      --end;
    }
    std::size_t start = end;
    while (start > 0 && (word_char(text[start - 1]) || text[start - 1] == '\'')) --start;
    if (start == end) return false;
    std::string word = text.substr(start, end - start);
    for (const char* n : kNegations)
      if (word == n) return true;
    end = start;
  }
  return false;
}

std::string sentence_around(const std::string& text, std::size_t pos) {
  std::size_t start = text.find_last_of(".!?\n", pos);
  start = start == std::string::npos ? 0 : start + 1;
  std::size_t end = text.find_first_of(".!?\n", pos);
  if (end == std::string::npos) end = text.size();
  std::string s(trim(std::string_view(text).substr(start, end - start)));
  return s.substr(0, 300);
}

}  // namespace

Rules::Rules(const kb::KnowledgeBase& kb) : scan_plan_(kb.signals) {
  for (const kb::Signal& s : kb.signals) {
    for (const kb::Rule& m : s.metrics) {
      try {
        metric_rules_.push_back({s.id, m.text, m.where.str(), parse_expr(m.text)});
      } catch (const Error& e) {
        throw Error(m.where, "KB010", std::string("expression does not parse: ") + e.what());
      }
    }
    for (const std::string& p : s.phrases) phrases_.push_back({s.id, lower(p)});
  }
}

Evidence gather_evidence(const Rules& rules, const GatherOptions& options) { return Gatherer(rules, options).run(); }

void evaluate_metrics(const Rules& rules, Evidence& ev) {
  if (ev.metrics.size() == 0) return;
  for (const Rules::MetricRule& rule : rules.metric_rules()) {
    ExprOutcome out = evaluate(*rule.expr, ev.metrics);
    if (!out.truth) continue;
    auto it = ev.observations.find(rule.signal);
    if (it != ev.observations.end() && it->second.present) continue;  // first true rule wins
    if (it != ev.observations.end() && !*out.truth) continue;
    Observation o;
    o.present = *out.truth;
    o.via = Via::Metric;
    o.count = 1;
    o.excerpt = *out.truth ? out.witness : rule.text + " is false";
    o.source = o.last_source = *out.truth && !out.source.empty() ? out.source : "metrics";
    o.rule = rule.text;
    o.rule_at = rule.at;
    ev.observations[rule.signal] = std::move(o);
  }
}

void match_phrases(const Rules& rules, Evidence& ev) {
  for (const ProseText& piece : ev.prose) {
    std::string text = lower(piece.text);
    for (const Rules::Phrase& phrase : rules.phrases()) {
      auto it = ev.observations.find(phrase.signal);
      if (it != ev.observations.end() && it->second.present) continue;
      for (std::size_t pos = text.find(phrase.text); pos != std::string::npos; pos = text.find(phrase.text, pos + 1)) {
        std::size_t end = pos + phrase.text.size();
        if ((pos > 0 && word_char(text[pos - 1])) || (end < text.size() && word_char(text[end]))) continue;
        Observation o;
        o.present = !negated(text, pos);
        o.via = Via::Phrase;
        o.count = 1;
        o.source = o.last_source = piece.source;
        o.excerpt = sentence_around(piece.text, pos);
        o.rule = phrase.text;
        if (!o.present && it != ev.observations.end()) break;  // keep the first sighting
        ev.observations[phrase.signal] = std::move(o);
        break;
      }
    }
  }
}

bool looks_like_prose(std::string_view line) {
  line = trim(line);
  if (line.size() < 12 || !std::isalpha(static_cast<unsigned char>(line[0]))) return false;
  std::size_t letters = 0, spaces = 0, equals = 0, words = 1;
  for (char c : line) {
    if (std::isalpha(static_cast<unsigned char>(c)))
      ++letters;
    else if (c == ' ')
      ++spaces, ++words;
    else if (c == '=')
      ++equals;
  }
  if (words < 4 || equals >= 2) return false;
  // A leading level or logger ("ERROR", "INFO [main]") marks a log line.
  for (const char* level : {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "CRITICAL", "SEVERE"})
    if (line.rfind(level, 0) == 0) return false;
  return (letters + spaces) * 10 >= line.size() * 8;
}

void add_fact(std::string_view arg, Facts& facts) {
  auto eq = arg.find('=');
  if (eq == std::string_view::npos || trim(arg.substr(0, eq)).empty() || trim(arg.substr(eq + 1)).empty())
    throw Error({"--fact"}, "IN006", "expected KEY=VALUE (e.g. component=kafka), got '" + std::string(arg) + "'");
  facts[lower(trim(arg.substr(0, eq)))].push_back(lower(trim(arg.substr(eq + 1))));
}

}  // namespace faultline::evidence
