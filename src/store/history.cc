#include "store/history.h"

#include <cmath>
#include <ctime>
#include <filesystem>

#include <SQLiteCpp/SQLiteCpp.h>

#include "common/error.h"

namespace faultline::store {

namespace {

constexpr int kBusyTimeoutMs = 10000;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS incidents(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  command TEXT NOT NULL,
  input_digest TEXT NOT NULL,
  input_bytes INTEGER NOT NULL,
  facts TEXT NOT NULL,
  results TEXT NOT NULL,
  answers TEXT NOT NULL,
  top_case INTEGER,
  confirmed_case INTEGER,
  confirmed_at TEXT);
CREATE INDEX IF NOT EXISTS incidents_confirmed ON incidents(confirmed_case);
)sql";

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

[[noreturn]] void fail(const std::string& what, const SQLite::Exception& e) {
  throw Error({}, "DB010", what + ": " + e.what());
}

IncidentRecord read_row(SQLite::Statement& q) {
  IncidentRecord r;
  r.id = q.getColumn(0).getInt64();
  r.at = q.getColumn(1).getString();
  r.command = q.getColumn(2).getString();
  r.input_digest = q.getColumn(3).getString();
  r.input_bytes = q.getColumn(4).getInt64();
  r.facts = nlohmann::ordered_json::parse(q.getColumn(5).getString(), nullptr, false);
  r.results = nlohmann::ordered_json::parse(q.getColumn(6).getString(), nullptr, false);
  r.answers = nlohmann::ordered_json::parse(q.getColumn(7).getString(), nullptr, false);
  if (!q.getColumn(8).isNull()) r.top_case = q.getColumn(8).getInt();
  if (!q.getColumn(9).isNull()) r.confirmed_case = q.getColumn(9).getInt();
  return r;
}

constexpr const char* kColumns =
    "id, at, command, input_digest, input_bytes, facts, results, answers, top_case, confirmed_case";

}  // namespace

double learned_prior(int confirmations, double cap) {
  return confirmations <= 0 ? 0 : std::min(cap, 0.5 * std::log1p(static_cast<double>(confirmations)));
}

History::History(std::unique_ptr<SQLite::Database> db) : db_(std::move(db)) {}
History::History(History&&) noexcept = default;
History& History::operator=(History&&) noexcept = default;
History::~History() = default;

History History::open(const std::string& path) {
  try {
    std::error_code ec;
    std::filesystem::path p(path);
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
    auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, kBusyTimeoutMs);
    db->exec("PRAGMA journal_mode=WAL");
    db->exec("PRAGMA synchronous=NORMAL");
    db->exec(kSchema);
    return History(std::move(db));
  } catch (const SQLite::Exception& e) {
    throw Error({path}, "DB010", std::string("cannot open the history database: ") + e.what());
  }
}

long long History::record(const IncidentRecord& r) {
  try {
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement q(
        *db_,
        "INSERT INTO incidents(at, command, input_digest, input_bytes, facts, results, answers, top_case) "
        "VALUES(?,?,?,?,?,?,?,?)");
    q.bind(1, r.at.empty() ? utc_now() : r.at);
    q.bind(2, r.command);
    q.bind(3, r.input_digest);
    q.bind(4, static_cast<int64_t>(r.input_bytes));
    q.bind(5, r.facts.dump());
    q.bind(6, r.results.dump());
    q.bind(7, r.answers.dump());
    if (r.top_case) q.bind(8, *r.top_case);
    q.exec();
    long long id = db_->getLastInsertRowid();
    tx.commit();
    return id;
  } catch (const SQLite::Exception& e) {
    fail("cannot record the incident", e);
  }
}

std::vector<IncidentRecord> History::list(int limit) const {
  try {
    std::vector<IncidentRecord> out;
    SQLite::Statement q(*db_, std::string("SELECT ") + kColumns + " FROM incidents ORDER BY id DESC LIMIT ?");
    q.bind(1, limit);
    while (q.executeStep()) out.push_back(read_row(q));
    return out;
  } catch (const SQLite::Exception& e) {
    fail("cannot read the history", e);
  }
}

std::optional<IncidentRecord> History::find(long long id) const {
  try {
    SQLite::Statement q(*db_, std::string("SELECT ") + kColumns + " FROM incidents WHERE id = ?");
    q.bind(1, static_cast<int64_t>(id));
    if (!q.executeStep()) return std::nullopt;
    return read_row(q);
  } catch (const SQLite::Exception& e) {
    fail("cannot read the history", e);
  }
}

void History::confirm(long long id, int case_id) {
  try {
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement q(*db_, "UPDATE incidents SET confirmed_case = ?, confirmed_at = ? WHERE id = ?");
    q.bind(1, case_id);
    q.bind(2, utc_now());
    q.bind(3, static_cast<int64_t>(id));
    if (q.exec() == 0) throw Error({}, "DB011", "no incident " + std::to_string(id) + " in the history");
    tx.commit();
  } catch (const SQLite::Exception& e) {
    fail("cannot confirm the incident", e);
  }
}

std::map<int, double> History::learned_priors(double cap) const {
  try {
    std::map<int, double> out;
    SQLite::Statement q(
        *db_,
        "SELECT confirmed_case, count(*) FROM incidents WHERE confirmed_case IS NOT NULL GROUP BY confirmed_case");
    while (q.executeStep()) out[q.getColumn(0).getInt()] = learned_prior(q.getColumn(1).getInt(), cap);
    return out;
  } catch (const SQLite::Exception& e) {
    fail("cannot read the history", e);
  }
}

}  // namespace faultline::store
