// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: NAR serialisation of a file tree.
#include "store/nar.hh"

#include <atomic>

#include "store/directory.hh"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "store/error.hh"
#include "store/fd.hh"

namespace byre::store {

namespace {

std::atomic<std::uint64_t> dumped_bytes_total{0};


// Writes NAR tokens to a sink.  Tokens are small, so they are gathered in a
// buffer and passed on in large pieces; file contents bypass the buffer.
class NarWriter {
public:
  explicit NarWriter(Sink& sink) : sink_(sink) { buffer_.reserve(capacity); }
  ~NarWriter() = default;

  void str(std::string_view s) {
    length(s.size());
    bytes(as_bytes(s));
    pad(s.size());
  }

  // The length prefix of a string whose bytes follow.
  void length(std::uint64_t n) {
    unsigned char le[8];
    for (int i = 0; i < 8; ++i) le[i] = static_cast<unsigned char>(n >> (8 * i));
    bytes({le, 8});
  }

  // Bytes of a string, buffered when small.
  void bytes(Bytes data) {
    if (buffer_.size() + data.size() > capacity) flush();
    if (data.size() >= capacity) {
      sink_.write(data);
      return;
    }
    buffer_.insert(buffer_.end(), data.begin(), data.end());
  }

  // The zero padding after a string of N bytes.
  void pad(std::uint64_t n) {
    static constexpr unsigned char zeros[8] = {};
    if (n % 8) bytes({zeros, 8 - n % 8});
  }

  void flush() {
    if (!buffer_.empty()) sink_.write(Bytes(buffer_));
    buffer_.clear();
  }

private:
  static constexpr std::size_t capacity = 64 * 1024;
  Sink& sink_;
  std::vector<unsigned char> buffer_;
};

struct DirCloser {
  void operator()(DIR* d) const noexcept { ::closedir(d); }
};
using Dir = std::unique_ptr<DIR, DirCloser>;

class Dumper {
public:
  Dumper(Sink& sink, const DumpOptions& options)
      : out_(sink), options_(options), buffer_(options.read_size) {}

  void root(const std::string& path) {
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) throw_errno("lstat", path);
    out_.str("nix-archive-1");
    node(AT_FDCWD, path, path, st);
    out_.flush();
  }

private:
  // Serialise the object NAME in directory DIRFD, whose full name is PATH.
  void node(int dirfd, const std::string& name, const std::string& path,
            const struct stat& st) {
    out_.str("(");
    out_.str("type");
    if (S_ISREG(st.st_mode))
      regular(dirfd, name, path, st);
    else if (S_ISLNK(st.st_mode))
      symlink(dirfd, name, path, st);
    else if (S_ISDIR(st.st_mode))
      directory(dirfd, name, path);
    else
      throw invalid_input("cannot archive a file of this type "
                          "(not a regular file, directory or symbolic link)",
                          path);
    out_.str(")");
  }

  void regular(int dirfd, const std::string& name, const std::string& path,
               const struct stat& st) {
    Fd fd(::openat(dirfd, name.c_str(),
                   O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY));
    if (!fd) throw_errno("open", path);
    struct stat now;
    if (::fstat(fd.get(), &now) != 0) throw_errno("fstat", path);
    if (!S_ISREG(now.st_mode) || now.st_ino != st.st_ino || now.st_dev != st.st_dev)
      throw invalid_input("file replaced while it was archived", path);
    out_.str("regular");
    if (now.st_mode & S_IXUSR) {
      out_.str("executable");
      out_.str("");
    }
    out_.str("contents");
    std::uint64_t size = static_cast<std::uint64_t>(now.st_size);
    out_.length(size);
    out_.flush();
    if (size > options_.read_size)  // a hint: its failure changes nothing
      (void) ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
    std::uint64_t left = size;
    while (left > 0) {
      ssize_t n = ::read(fd.get(), buffer_.data(),
                         std::min<std::uint64_t>(left, buffer_.size()));
      if (n < 0) {
        if (errno == EINTR) continue;
        throw_errno("read", path);
      }
      if (n == 0) throw invalid_input("file shrank while it was archived", path);
      out_.bytes({buffer_.data(), static_cast<std::size_t>(n)});
      left -= static_cast<std::uint64_t>(n);
      dumped_bytes_total.fetch_add(static_cast<std::uint64_t>(n),
                                   std::memory_order_relaxed);
    }
    out_.pad(size);
  }

  void symlink(int dirfd, const std::string& name, const std::string& path,
               const struct stat& st) {
    std::string target(static_cast<std::size_t>(st.st_size) + 1, '\0');
    for (;;) {
      ssize_t n = ::readlinkat(dirfd, name.c_str(), target.data(), target.size());
      if (n < 0) throw_errno("readlink", path);
      if (static_cast<std::size_t>(n) < target.size()) {
        target.resize(static_cast<std::size_t>(n));
        break;
      }
      target.resize(target.size() * 2);  // the link grew since lstat
    }
    out_.str("symlink");
    out_.str("target");
    out_.str(target);
  }

  void directory(int dirfd, const std::string& name, const std::string& path) {
    Dir dir = open_directory(dirfd, name, path);
    int fd = ::dirfd(dir.get());
    std::vector<std::string> names = directory_entries(dir.get(), path);
    // NAR entries are sorted bytewise; std::string compares bytes as
    // unsigned char.
    std::sort(names.begin(), names.end());
    out_.str("directory");
    for (const std::string& entry : names) {
      std::string child = path + "/" + entry;
      struct stat st;
      if (::fstatat(fd, entry.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        throw_errno("lstat", child);
      if (options_.select && !options_.select(child, st)) continue;
      out_.str("entry");
      out_.str("(");
      out_.str("name");
      out_.str(entry);
      out_.str("node");
      node(fd, entry, child, st);
      out_.str(")");
    }
  }

  static Dir open_directory(int dirfd, const std::string& name,
                            const std::string& path) {
    Fd fd(::openat(dirfd, name.c_str(),
                   O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) throw_errno("open", path);
    Dir dir(::fdopendir(fd.get()));
    if (!dir) throw_errno("fdopendir", path);
    fd.release();  // now owned by DIR
    return dir;
  }


  NarWriter out_;
  const DumpOptions& options_;
  std::vector<unsigned char> buffer_;
};

}  // namespace

void dump_path(const std::string& path, Sink& sink, const DumpOptions& options) {
  Dumper(sink, options).root(path);
}

void dump_contents(Bytes data, bool executable, Sink& sink) {
  NarWriter out(sink);
  out.str("nix-archive-1");
  out.str("(");
  out.str("type");
  out.str("regular");
  if (executable) {
    out.str("executable");
    out.str("");
  }
  out.str("contents");
  out.length(data.size());
  out.bytes(data);
  out.pad(data.size());
  out.str(")");
  out.flush();
}

std::uint64_t dumped_bytes() {
  return dumped_bytes_total.load(std::memory_order_relaxed);
}

}  // namespace byre::store
