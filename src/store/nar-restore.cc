// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: NAR deserialisation (a streaming parser).
#include "store/nar-restore.hh"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "store/error.hh"

namespace byre::store {

namespace {
// Tokens other than file contents are names, link targets and keywords.
constexpr std::uint64_t max_token = 64 * 1024;
}  // namespace

NarRestorer::NarRestorer(std::string path) : root_(std::move(path)) {}

void NarRestorer::malformed(const std::string& what) const {
  throw invalid_input("malformed archive at byte " + std::to_string(offset_) +
                          " (" + what + ") restoring",
                      root_);
}

int NarRestorer::parent_fd() const {
  return dirs_.empty() ? AT_FDCWD : dirs_.back().fd.get();
}

const std::string& NarRestorer::node_name() const {
  return dirs_.empty() ? root_ : pending_;
}

std::string NarRestorer::node_path() const {
  return dirs_.empty() ? root_ : dirs_.back().path + "/" + pending_;
}

void NarRestorer::write(Bytes data) {
  const unsigned char* p = data.data();
  std::size_t n = data.size();
  while (n > 0) {
    switch (lex_) {
      case Lex::length: {
        std::size_t take = std::min(n, sizeof length_bytes_ - length_have_);
        std::memcpy(length_bytes_ + length_have_, p, take);
        length_have_ += take;
        p += take;
        n -= take;
        offset_ += take;
        if (length_have_ < sizeof length_bytes_) break;
        length_have_ = 0;
        body_size_ = 0;
        for (int i = 7; i >= 0; --i) body_size_ = body_size_ << 8 | length_bytes_[i];
        body_left_ = body_size_;
        padding_left_ = static_cast<std::size_t>((8 - body_size_ % 8) % 8);
        streaming_ = state_ == State::contents;
        if (!streaming_ && body_size_ > max_token) malformed("token too long");
        token_.clear();
        lex_ = Lex::body;
        break;
      }
      case Lex::body: {
        std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(n, body_left_));
        if (streaming_)
          write_contents(p, take);
        else
          token_.append(reinterpret_cast<const char*>(p), take);
        p += take;
        n -= take;
        offset_ += take;
        body_left_ -= take;
        break;
      }
      case Lex::padding: {
        std::size_t take = std::min(n, padding_left_);
        for (std::size_t i = 0; i < take; ++i)
          if (p[i] != 0) malformed("non-zero padding");
        p += take;
        n -= take;
        offset_ += take;
        padding_left_ -= take;
        break;
      }
    }
    // A token is complete once its body and padding are in.  (Checked
    // here too when N reached 0, so that the last token of a piece is
    // delivered at once.)
    if (lex_ == Lex::body && body_left_ == 0) lex_ = Lex::padding;
    if (lex_ == Lex::padding && padding_left_ == 0) {
      lex_ = Lex::length;
      if (streaming_) {
        if (::close(file_.release()) != 0) throw_errno("close", node_path());
        state_ = State::close;
      } else {
        token(token_);
      }
    }
  }
}

void NarRestorer::write_contents(const unsigned char* p, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::write(file_.get(), p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      throw_errno("write", node_path());
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

void NarRestorer::expect(const std::string& t, const char* wanted, State next) {
  if (t != wanted) malformed(std::string("expected \"") + wanted + "\"");
  state_ = next;
}

void NarRestorer::create(const std::string& type) {
  std::string path = node_path();
  if (type == "regular") {
    file_ = Fd(::openat(parent_fd(), node_name().c_str(),
                        O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644));
    if (!file_) throw_errno("open", path);
    executable_ = false;
    state_ = State::regular_attribute;
  } else if (type == "symlink") {
    state_ = State::target_keyword;
  } else if (type == "directory") {
    if (::mkdirat(parent_fd(), node_name().c_str(), 0755) != 0) throw_errno("mkdir", path);
    Fd fd(::openat(parent_fd(), node_name().c_str(),
                   O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) throw_errno("open", path);
    dirs_.push_back({std::move(fd), std::move(path), {}});
    state_ = State::directory_entry;
  } else {
    malformed("unknown file type \"" + type + "\"");
  }
}

void NarRestorer::end_node() {
  state_ = dirs_.empty() ? State::done : State::entry_close;
}

void NarRestorer::token(const std::string& t) {
  switch (state_) {
    case State::magic: return expect(t, "nix-archive-1", State::open);
    case State::open: return expect(t, "(", State::type_keyword);
    case State::type_keyword: return expect(t, "type", State::type);
    case State::type: return create(t);
    case State::regular_attribute:
      if (t == "executable") {
        state_ = State::executable_value;
        return;
      }
      return expect(t, "contents", State::contents);
    case State::executable_value:
      if (!t.empty()) malformed("expected \"\" after \"executable\"");
      if (::fchmod(file_.get(), 0755) != 0) throw_errno("chmod", node_path());
      state_ = State::contents_keyword;
      return;
    case State::contents_keyword: return expect(t, "contents", State::contents);
    case State::contents: malformed("contents expected");  // handled by the lexer
    case State::close:
      expect(t, ")", State::close);
      return end_node();
    case State::target_keyword: return expect(t, "target", State::target);
    case State::target:
      if (t.empty() || t.find('\0') != std::string::npos) malformed("bad link target");
      if (::symlinkat(t.c_str(), parent_fd(), node_name().c_str()) != 0)
        throw_errno("symlink", node_path());
      state_ = State::close;
      return;
    case State::directory_entry:
      if (t == ")") {
        dirs_.pop_back();
        return end_node();
      }
      return expect(t, "entry", State::entry_open);
    case State::entry_open: return expect(t, "(", State::name_keyword);
    case State::name_keyword: return expect(t, "name", State::name);
    case State::name: {
      if (t.empty() || t == "." || t == ".." || t.find('/') != std::string::npos ||
          t.find('\0') != std::string::npos)
        malformed("invalid entry name \"" + t + "\"");
      Directory& dir = dirs_.back();
      if (!dir.last_entry.empty() && !(dir.last_entry < t))
        malformed("entry \"" + t + "\" out of order");
      dir.last_entry = t;
      pending_ = t;
      state_ = State::node_keyword;
      return;
    }
    case State::node_keyword: return expect(t, "node", State::open);
    case State::entry_close:
      return expect(t, ")", State::directory_entry);
    case State::done: malformed("data after the end of the archive");
  }
}

void NarRestorer::finish() {
  if (state_ != State::done || lex_ != Lex::length || length_have_ != 0)
    malformed("archive ends early");
}

}  // namespace byre::store
