#include "evidence/block_reader.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace faultline::evidence {

BlockReader::BlockReader(int fd, std::string name, std::size_t block_bytes, std::size_t max_line_bytes)
    : fd_(fd),
      name_(std::move(name)),
      block_bytes_(block_bytes),
      max_line_(std::min(max_line_bytes, block_bytes)),
      buf_(block_bytes + 1) {}  // one spare byte tells a full block from a longer line

bool BlockReader::fill() {
  while (len_ < buf_.size() && !eof_) {
    ssize_t n = ::read(fd_, buf_.data() + len_, buf_.size() - len_);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error({name_}, "IN002", std::string("cannot read: ") + std::strerror(errno));
    }
    if (n == 0) eof_ = true;
    len_ += static_cast<std::size_t>(n);
    bytes_read_ += static_cast<std::uint64_t>(n);
  }
  return len_ > 0;
}

bool BlockReader::next(std::string_view& block, std::uint64_t& first_line) {
  for (;;) {
    if (consumed_ > 0) {
      std::memmove(buf_.data(), buf_.data() + consumed_, len_ - consumed_);
      len_ -= consumed_;
      consumed_ = 0;
    }
    if (!fill()) return false;
    if (skipping_) {
      // The rest of a giant line: drop it up to and including its newline.
      auto* nl = static_cast<char*>(std::memchr(buf_.data(), '\n', len_));
      if (!nl) {
        consumed_ = len_;
        if (eof_) return false;
        continue;
      }
      consumed_ = static_cast<std::size_t>(nl - buf_.data()) + 1;
      skipping_ = false;
      continue;
    }
    std::string_view data(buf_.data(), len_);
    std::size_t last = data.rfind('\n');
    first_line = line_;
    if (last != std::string_view::npos) {
      block = data.substr(0, last + 1);
      consumed_ = last + 1;
    } else if (eof_) {
      block = data;
      consumed_ = len_;
    } else {
      // A full buffer without a line end: keep the line's head, skip the rest.
      block = data.substr(0, max_line_);
      consumed_ = len_;
      skipping_ = true;
      ++giant_lines_;
      ++line_;
      return true;
    }
    line_ += static_cast<std::uint64_t>(std::count(block.begin(), block.end(), '\n'));
    if (!block.empty() && block.back() != '\n') ++line_;
    return true;
  }
}

bool looks_binary(std::string_view head) {
  if (head.empty()) return false;
  std::size_t nul = 0, control = 0;
  for (unsigned char c : head) {
    if (c == 0)
      ++nul;
    else if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1b)
      ++control;
  }
  return nul * 100 > head.size() || (nul + control) * 10 > head.size();
}

}  // namespace faultline::evidence
