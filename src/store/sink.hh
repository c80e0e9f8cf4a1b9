// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: byte sinks that compose.
//
// The store reads each file once: the NAR serialiser writes to a Sink, and a
// TeeSink passes the same bytes to the SHA-256 hasher and to the reference
// scanner.  A Sink receives a stream as a sequence of spans; how the stream
// is cut into spans carries no meaning.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace byre::store {

using Bytes = std::span<const unsigned char>;

inline Bytes as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const unsigned char*>(s.data()), s.size()};
}

class Sink {
public:
  virtual ~Sink() = default;
  // Consume DATA, the next bytes of the stream.
  virtual void write(Bytes data) = 0;
  void write(std::string_view s) { write(as_bytes(s)); }
};

// Passes every span to two sinks, in order: first A, then B.
class TeeSink final : public Sink {
public:
  TeeSink(Sink& a, Sink& b) noexcept : a_(a), b_(b) {}
  void write(Bytes data) override;
  using Sink::write;

private:
  Sink& a_;
  Sink& b_;
};

// Appends the stream to a string (for tests and small in-memory NARs).
class StringSink final : public Sink {
public:
  void write(Bytes data) override;
  using Sink::write;
  const std::string& str() const noexcept { return data_; }

private:
  std::string data_;
};

// Counts the bytes of the stream and discards them.
class CountingSink final : public Sink {
public:
  void write(Bytes data) override { size_ += data.size(); }
  using Sink::write;
  std::uint64_t size() const noexcept { return size_; }

private:
  std::uint64_t size_ = 0;
};

}  // namespace byre::store
