// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: byte sinks that compose.
#include "store/sink.hh"

namespace byre::store {

void TeeSink::write(Bytes data) {
  a_.write(data);
  b_.write(data);
}

void StringSink::write(Bytes data) {
  data_.append(reinterpret_cast<const char*>(data.data()), data.size());
}

}  // namespace byre::store
