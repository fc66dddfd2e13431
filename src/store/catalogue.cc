#include "store/catalogue.h"

#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <set>

#include <SQLiteCpp/SQLiteCpp.h>

#include "common/error.h"
#include "kb/finding.h"
#include "kb/json.h"
#include "kb/validate.h"

namespace faultline::store {

namespace fs = std::filesystem;
using kb::Json;

namespace {

// Bump when the tables or the JSON written into them change: old caches are then rebuilt.
constexpr const char* kSchemaVersion = "catalogue-1";

constexpr const char* kSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE cases(id INTEGER PRIMARY KEY, slug TEXT UNIQUE NOT NULL, title TEXT NOT NULL,
                   category TEXT NOT NULL, components TEXT NOT NULL, tags TEXT NOT NULL,
                   file TEXT NOT NULL, json TEXT NOT NULL);
CREATE TABLE causes(case_id INTEGER NOT NULL, idx INTEGER NOT NULL, cause_id TEXT NOT NULL,
                    summary TEXT NOT NULL, explanation TEXT NOT NULL, PRIMARY KEY(case_id, idx));
CREATE TABLE fixes(case_id INTEGER NOT NULL, cause_idx INTEGER NOT NULL, idx INTEGER NOT NULL,
                   summary TEXT NOT NULL, detail TEXT NOT NULL, commands TEXT NOT NULL);
CREATE TABLE signals(id TEXT PRIMARY KEY, type TEXT NOT NULL, description TEXT NOT NULL,
                     question TEXT NOT NULL, file TEXT NOT NULL, json TEXT NOT NULL);
CREATE TABLE symptoms(case_id INTEGER NOT NULL, signal_id TEXT NOT NULL, weight REAL NOT NULL,
                      absent REAL);
CREATE TABLE patterns(signal_id TEXT NOT NULL, idx INTEGER NOT NULL, regex TEXT NOT NULL,
                      at TEXT NOT NULL);
CREATE TABLE metric_rules(signal_id TEXT NOT NULL, idx INTEGER NOT NULL, expr TEXT NOT NULL,
                          at TEXT NOT NULL);
CREATE TABLE phrases(signal_id TEXT NOT NULL, phrase TEXT NOT NULL);
CREATE TABLE sampled_cases(case_id INTEGER NOT NULL);
CREATE VIRTUAL TABLE case_text USING fts5(title, tags, scenario, symptoms, explanation, fixes,
                                          tokenize = 'porter unicode61');
)sql";

std::string hex(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
  return buf;
}

std::string join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

// The text the full-text index holds for one case: what a user might type about it.
struct CaseText {
  std::string tags, symptoms, explanation, fixes;
};

CaseText case_text(const kb::Case& c, const kb::KnowledgeBase& base) {
  CaseText t;
  t.tags = join(c.tags, " ") + " " + join(c.components, " ") + " " + c.category + " " + c.slug;
  for (const kb::Symptom& s : c.symptoms) {
    const kb::Signal* sig = base.find_signal(s.signal);
    if (!sig) continue;
    t.symptoms += sig->description + " " + sig->question + " " + join(sig->phrases, ". ") + ". ";
  }
  for (const kb::Cause& cause : c.causes) {
    t.explanation += cause.summary + " " + cause.explanation + " ";
    for (const kb::Fix& f : cause.fixes) t.fixes += f.summary + " " + f.detail + " ";
  }
  return t;
}

void insert_case(SQLite::Database& db, const kb::Case& c, const kb::KnowledgeBase& base) {
  SQLite::Statement q(db, "INSERT INTO cases VALUES(?,?,?,?,?,?,?,?)");
  q.bind(1, c.id);
  q.bind(2, c.slug);
  q.bind(3, c.title);
  q.bind(4, c.category);
  q.bind(5, Json(c.components).dump());
  q.bind(6, Json(c.tags).dump());
  q.bind(7, c.where.file);
  q.bind(8, kb::to_json(c).dump());
  q.exec();
  for (std::size_t i = 0; i < c.causes.size(); ++i) {
    const kb::Cause& cause = c.causes[i];
    SQLite::Statement qc(db, "INSERT INTO causes VALUES(?,?,?,?,?)");
    qc.bind(1, c.id);
    qc.bind(2, static_cast<int>(i));
    qc.bind(3, cause.id);
    qc.bind(4, cause.summary);
    qc.bind(5, cause.explanation);
    qc.exec();
    for (std::size_t k = 0; k < cause.fixes.size(); ++k) {
      SQLite::Statement qf(db, "INSERT INTO fixes VALUES(?,?,?,?,?,?)");
      qf.bind(1, c.id);
      qf.bind(2, static_cast<int>(i));
      qf.bind(3, static_cast<int>(k));
      qf.bind(4, cause.fixes[k].summary);
      qf.bind(5, cause.fixes[k].detail);
      qf.bind(6, Json(cause.fixes[k].commands).dump());
      qf.exec();
    }
  }
  for (const kb::Symptom& s : c.symptoms) {
    SQLite::Statement qs(db, "INSERT INTO symptoms VALUES(?,?,?,?)");
    qs.bind(1, c.id);
    qs.bind(2, s.signal);
    qs.bind(3, s.weight);
    if (s.absent) qs.bind(4, *s.absent);
    qs.exec();
  }
  CaseText t = case_text(c, base);
  SQLite::Statement qt(
      db, "INSERT INTO case_text(rowid,title,tags,scenario,symptoms,explanation,fixes) VALUES(?,?,?,?,?,?,?)");
  qt.bind(1, c.id);
  qt.bind(2, c.title);
  qt.bind(3, t.tags);
  qt.bind(4, c.scenario);
  qt.bind(5, t.symptoms);
  qt.bind(6, t.explanation);
  qt.bind(7, t.fixes);
  qt.exec();
}

void insert_signal(SQLite::Database& db, const kb::Signal& s) {
  SQLite::Statement q(db, "INSERT INTO signals VALUES(?,?,?,?,?,?)");
  q.bind(1, s.id);
  q.bind(2, s.type == kb::SignalType::Number ? "number" : "bool");
  q.bind(3, s.description);
  q.bind(4, s.question);
  q.bind(5, s.where.file);
  q.bind(6, kb::to_json(s).dump());
  q.exec();
  for (std::size_t i = 0; i < s.logs.size(); ++i) {
    SQLite::Statement qp(db, "INSERT INTO patterns VALUES(?,?,?,?)");
    qp.bind(1, s.id);
    qp.bind(2, static_cast<int>(i));
    qp.bind(3, s.logs[i].text);
    qp.bind(4, s.logs[i].where.str());
    qp.exec();
  }
  for (std::size_t i = 0; i < s.metrics.size(); ++i) {
    SQLite::Statement qm(db, "INSERT INTO metric_rules VALUES(?,?,?,?)");
    qm.bind(1, s.id);
    qm.bind(2, static_cast<int>(i));
    qm.bind(3, s.metrics[i].text);
    qm.bind(4, s.metrics[i].where.str());
    qm.exec();
  }
  for (const std::string& p : s.phrases) {
    SQLite::Statement qp(db, "INSERT INTO phrases VALUES(?,?)");
    qp.bind(1, s.id);
    qp.bind(2, p);
    qp.exec();
  }
}

void fill(SQLite::Database& db, const kb::KnowledgeBase& base, std::uint64_t content_hash) {
  db.exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;");
  SQLite::Transaction tx(db);
  db.exec(kSchema);
  for (const kb::Signal& s : base.signals) insert_signal(db, s);
  for (const kb::Case& c : base.cases) insert_case(db, c, base);
  for (int id : base.sampled_cases) {
    SQLite::Statement q(db, "INSERT INTO sampled_cases VALUES(?)");
    q.bind(1, id);
    q.exec();
  }
  SQLite::Statement meta(db, "INSERT INTO meta VALUES(?,?)");
  for (auto [k, v] : {std::pair<std::string, std::string>{"schema_version", kSchemaVersion},
                      {"content_hash", hex(content_hash)},
                      {"cases", std::to_string(base.cases.size())}}) {
    meta.bind(1, k);
    meta.bind(2, v);
    meta.exec();
    meta.reset();
  }
  tx.commit();
}

// True if the file at path is a complete catalogue for this content hash.
bool usable(SQLite::Database& db, std::uint64_t content_hash) {
  try {
    SQLite::Statement q(db, "SELECT key, value FROM meta");
    std::map<std::string, std::string> meta;
    while (q.executeStep()) meta[q.getColumn(0).getString()] = q.getColumn(1).getString();
    if (meta["schema_version"] != kSchemaVersion || meta["content_hash"] != hex(content_hash)) return false;
    int cases = db.execAndGet("SELECT count(*) FROM cases").getInt();
    return std::to_string(cases) == meta["cases"];
  } catch (const SQLite::Exception&) {
    return false;
  }
}

void remove_stale_caches(const fs::path& dir, const fs::path& keep) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (entry.path() != keep && name.rfind("catalogue-", 0) == 0 && entry.path().extension() == ".db")
      fs::remove(entry.path(), ec);
  }
}

}  // namespace

Catalogue::Catalogue(std::unique_ptr<SQLite::Database> db, std::string path, bool built)
    : db_(std::move(db)), path_(std::move(path)), built_(built) {}
Catalogue::Catalogue(Catalogue&&) noexcept = default;
Catalogue& Catalogue::operator=(Catalogue&&) noexcept = default;
Catalogue::~Catalogue() = default;

std::uint64_t Catalogue::cache_key(const std::vector<kb::SourceFile>& overlay) {
  std::uint64_t seed = kb::fnv1a(kb::embedded_hash(), kSchemaVersion);
  return kb::content_hash(overlay, kb::fnv1a(seed, FAULTLINE_VERSION));
}

void Catalogue::build(const kb::KnowledgeBase& base, std::uint64_t content_hash, const std::string& path) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  try {
    {
      std::error_code ec;
      fs::remove(tmp, ec);
      SQLite::Database db(tmp, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      fill(db, base, content_hash);
    }
    fs::rename(tmp, path);
  } catch (const SQLite::Exception& e) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw Error({path}, "DB001", std::string("cannot write the catalogue: ") + e.what());
  } catch (const fs::filesystem_error& e) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw Error({path}, "DB001", std::string("cannot write the catalogue: ") + e.code().message());
  }
}

Catalogue Catalogue::open_cached(const std::string& cache_dir, const std::vector<kb::SourceFile>& overlay) {
  std::uint64_t key = cache_key(overlay);
  fs::path path = fs::path(cache_dir) / ("catalogue-" + hex(key) + ".db");
  try {
    if (fs::exists(path)) {
      auto db = std::make_unique<SQLite::Database>(path.string(), SQLite::OPEN_READONLY);
      if (usable(*db, key)) return Catalogue(std::move(db), path.string(), false);
    }
  } catch (const SQLite::Exception&) {
    // Unreadable or not a database: rebuilt below.
  }
  kb::LoadedKnowledgeBase loaded = kb::load_knowledge_base(kb::embedded_sources(), overlay);
  kb::throw_first_error(loaded.findings);
  std::error_code ec;
  fs::create_directories(cache_dir, ec);
  try {
    build(loaded.kb, key, path.string());
    remove_stale_caches(cache_dir, path);
    auto db = std::make_unique<SQLite::Database>(path.string(), SQLite::OPEN_READONLY);
    return Catalogue(std::move(db), path.string(), true);
  } catch (const Error&) {
    // The cache folder is not writable: work from memory this time.
    auto db = std::make_unique<SQLite::Database>(":memory:", SQLite::OPEN_READWRITE);
    fill(*db, loaded.kb, key);
    return Catalogue(std::move(db), ":memory:", true);
  }
}

Catalogue Catalogue::open_file(const std::string& path) {
  try {
    auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READONLY);
    db->execAndGet("SELECT value FROM meta WHERE key = 'schema_version'");
    return Catalogue(std::move(db), path, false);
  } catch (const SQLite::Exception& e) {
    throw Error({path}, "DB002", std::string("not a faultline catalogue: ") + e.what());
  }
}

std::vector<CaseSummary> Catalogue::list_cases() const {
  std::vector<CaseSummary> out;
  SQLite::Statement q(*db_, "SELECT id, slug, title, category, components, tags FROM cases ORDER BY id");
  while (q.executeStep()) {
    out.push_back({q.getColumn(0).getInt(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                   q.getColumn(3).getString(), Json::parse(q.getColumn(4).getString()).get<std::vector<std::string>>(),
                   Json::parse(q.getColumn(5).getString()).get<std::vector<std::string>>()});
  }
  return out;
}

std::optional<kb::Case> Catalogue::find_case(const std::string& id_or_slug) const {
  SQLite::Statement q(*db_, "SELECT json FROM cases WHERE slug = ?1 OR CAST(id AS TEXT) = ?1");
  q.bind(1, id_or_slug);
  if (!q.executeStep()) return std::nullopt;
  return kb::case_from_json(Json::parse(q.getColumn(0).getString()));
}

std::optional<kb::Signal> Catalogue::find_signal(const std::string& id) const {
  SQLite::Statement q(*db_, "SELECT json FROM signals WHERE id = ?");
  q.bind(1, id);
  if (!q.executeStep()) return std::nullopt;
  return kb::signal_from_json(Json::parse(q.getColumn(0).getString()));
}

std::vector<std::string> Catalogue::case_names() const {
  std::vector<std::string> names;
  SQLite::Statement q(*db_, "SELECT id, slug FROM cases ORDER BY id");
  while (q.executeStep()) {
    names.push_back(q.getColumn(0).getString());
    names.push_back(q.getColumn(1).getString());
  }
  return names;
}

CatalogueStats Catalogue::stats() const {
  CatalogueStats s;
  auto count = [this](const char* sql) { return db_->execAndGet(sql).getInt(); };
  s.cases = count("SELECT count(*) FROM cases");
  s.signals = count("SELECT count(*) FROM signals");
  s.log_patterns = count("SELECT count(*) FROM patterns");
  s.metric_expressions = count("SELECT count(*) FROM metric_rules");
  s.phrases = count("SELECT count(*) FROM phrases");
  s.simulations = count("SELECT count(*) FROM cases WHERE json_extract(json, '$.simulation') IS NOT NULL");
  s.sample_incidents = count("SELECT count(DISTINCT case_id) FROM sampled_cases");
  SQLite::Statement q(*db_, "SELECT category, count(*) FROM cases GROUP BY category ORDER BY category");
  while (q.executeStep()) s.categories.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getInt());
  return s;
}

std::vector<std::string> Catalogue::log_patterns() const {
  std::vector<std::string> out;
  SQLite::Statement q(*db_, "SELECT regex FROM patterns ORDER BY signal_id, idx");
  while (q.executeStep()) out.push_back(q.getColumn(0).getString());
  return out;
}

kb::KnowledgeBase Catalogue::load_knowledge_base() const {
  kb::KnowledgeBase base;
  SQLite::Statement qs(*db_, "SELECT json FROM signals ORDER BY id");
  while (qs.executeStep()) base.signals.push_back(kb::signal_from_json(Json::parse(qs.getColumn(0).getString())));
  SQLite::Statement qc(*db_, "SELECT json FROM cases ORDER BY id");
  while (qc.executeStep()) base.cases.push_back(kb::case_from_json(Json::parse(qc.getColumn(0).getString())));
  SQLite::Statement qi(*db_, "SELECT DISTINCT case_id FROM sampled_cases ORDER BY case_id");
  while (qi.executeStep()) base.sampled_cases.push_back(qi.getColumn(0).getInt());
  return base;
}

}  // namespace faultline::store
