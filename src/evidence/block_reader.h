// Reads a file descriptor in large blocks cut at line ends, in bounded memory: a block holds
// whole lines only, and a line longer than the block is cut to max_line bytes (the rest of it
// is skipped, never buffered). Used for logs of any size, stdin included.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace faultline::evidence {

class BlockReader {
 public:
  /// fd is not owned. name is used in error messages.
  BlockReader(int fd, std::string name, std::size_t block_bytes = 1 << 20, std::size_t max_line_bytes = 64 * 1024);

  /// The next block of whole lines (the last line of the input may lack its "\n"), at most
  /// block_bytes + 1 bytes (a line of exactly block_bytes fits, with its newline), valid until
  /// the next call; first_line is its first line's 1-based number. False at the end.
  /// Throws Error if the read fails.
  bool next(std::string_view& block, std::uint64_t& first_line);

  /// Lines longer than a block, cut to max_line_bytes.
  std::uint64_t giant_lines() const { return giant_lines_; }
  std::uint64_t bytes_read() const { return bytes_read_; }

 private:
  bool fill();

  int fd_;
  std::string name_;
  std::size_t block_bytes_, max_line_;
  std::vector<char> buf_;
  std::size_t len_ = 0, consumed_ = 0;
  bool eof_ = false, skipping_ = false;
  std::uint64_t line_ = 1, giant_lines_ = 0, bytes_read_ = 0;
};

/// True if the bytes look like binary data rather than text (NULs and control bytes).
bool looks_binary(std::string_view head);

}  // namespace faultline::evidence
