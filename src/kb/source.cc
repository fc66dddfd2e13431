#include "kb/source.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "common/error.h"
#include "kb/embedded.h"

namespace faultline::kb {

namespace fs = std::filesystem;

std::vector<SourceFile> embedded_sources() {
  std::vector<SourceFile> files;
  files.reserve(kEmbeddedFileCount);
  for (std::size_t i = 0; i < kEmbeddedFileCount; ++i)
    files.push_back({kEmbeddedFiles[i].path, std::string(kEmbeddedFiles[i].data, kEmbeddedFiles[i].size)});
  return files;
}

std::uint64_t embedded_hash() { return kEmbeddedHash; }

std::vector<SourceFile> read_directory(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) throw Error({dir}, "KB020", "knowledge-base folder does not exist");
  if (!fs::is_directory(dir, ec)) throw Error({dir}, "KB020", "--kb expects a folder, not a file");
  std::vector<SourceFile> files;
  fs::recursive_directory_iterator it(dir, ec), end;
  if (ec) throw Error({dir}, "KB020", "cannot read folder: " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) throw Error({dir}, "KB020", "cannot read folder: " + ec.message());
    const fs::path& p = it->path();
    if (!it->is_regular_file(ec)) continue;
    if (p.extension() != ".yaml" && p.extension() != ".yml") continue;
    std::ifstream in(p, std::ios::binary);
    std::string text(std::istreambuf_iterator<char>(in), {});
    if (in.bad() || !in.is_open()) throw Error({p.string()}, "KB020", "cannot read file");
    files.push_back({p.string(), std::move(text)});
  }
  std::sort(files.begin(), files.end(), [](const SourceFile& a, const SourceFile& b) { return a.path < b.path; });
  return files;
}

}  // namespace faultline::kb
