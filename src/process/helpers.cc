// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
#include "process/helpers.hh"

#include <boost/process.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace bp = boost::process;

namespace byre::process {

void run_helper(const std::string& program, const std::vector<std::string>& args) {
  bp::ipstream errors;
  int status;
  try {
    bp::child child(bp::exe = program, bp::args = args, bp::std_out > bp::null,
                    bp::std_err > errors, bp::std_in < bp::null);
    std::string all, line;
    while (std::getline(errors, line)) all += line + "\n";
    child.wait();
    status = child.exit_code();
    if (status != 0) {
      std::string command = program;
      for (const std::string& a : args) command += " " + a;
      throw std::runtime_error(command + " failed with status " +
                               std::to_string(status) +
                               (all.empty() ? std::string() : ": " + all));
    }
  } catch (const bp::process_error& e) {
    throw std::runtime_error("cannot run " + program + ": " + e.what());
  }
}

std::optional<SubordinateRange> subordinate_range(const std::string& file,
                                                  const std::string& user,
                                                  uint32_t id) {
  std::ifstream in(file);
  std::string line;
  const std::string numeric = std::to_string(id);
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string name, start, count;
    if (!std::getline(fields, name, ':') || !std::getline(fields, start, ':') ||
        !std::getline(fields, count))
      continue;
    if (name != user && name != numeric) continue;
    try {
      SubordinateRange range{static_cast<uint32_t>(std::stoul(start)),
                             static_cast<uint32_t>(std::stoul(count))};
      if (range.count > 0) return range;
    } catch (const std::exception&) {
      continue;
    }
  }
  return std::nullopt;
}

}  // namespace byre::process
