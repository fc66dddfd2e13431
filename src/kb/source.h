// Where knowledge-base text comes from: the copy embedded in the binary at build time, or a
// team's folder given with --kb. A source is a path and its bytes; nothing here parses YAML.
// The content hash keys the compiled catalogue: same sources in the same order, same hash.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace faultline::kb {

struct SourceFile {
  std::string path;  ///< as shown in messages: "kb/cases/..." (embedded) or "DIR/..." (--kb)
  std::string text;
};

/// The files embedded at build time: kb/**/*.yaml and data/incidents/*/expected.yaml.
std::vector<SourceFile> embedded_sources();

/// The content hash of embedded_sources(), computed at build time.
std::uint64_t embedded_hash();

/// Every *.yaml / *.yml file under dir, recursively, sorted by path.
/// Throws Error if dir does not exist, is not a folder, or a file cannot be read.
std::vector<SourceFile> read_directory(const std::string& dir);

inline constexpr std::uint64_t kHashSeed = 14695981039346656037ull;

/// Incremental FNV-1a 64 step.
inline std::uint64_t fnv1a(std::uint64_t h, std::string_view bytes) {
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
  return h;
}

/// FNV-1a 64 over each file's path and bytes, continuing from seed. Inline because the
/// build-time embedder computes the same hash for the embedded files.
inline std::uint64_t content_hash(const std::vector<SourceFile>& files, std::uint64_t seed = kHashSeed) {
  std::uint64_t h = seed;
  for (const SourceFile& f : files) {
    h = fnv1a(fnv1a(h, f.path), std::string_view("\0", 1));
    h = fnv1a(fnv1a(h, f.text), std::string_view("\0", 1));
  }
  return h;
}

}  // namespace faultline::kb
