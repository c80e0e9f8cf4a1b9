// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Test helper: write a small ELF file with the loader information the
// host tests need (an interpreter, DT_NEEDED, DT_RUNPATH or DT_RPATH,
// DT_SONAME), 32- or 64-bit, for the host's byte order (little endian).
#pragma once

#include <elf.h>

#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace byre::test {

struct FakeElf {
  int elf_class = 64;
  uint16_t machine = EM_X86_64;
  std::optional<std::string> interpreter;
  std::vector<std::string> needed;
  std::optional<std::string> runpath;
  std::optional<std::string> rpath;
  std::optional<std::string> soname;
};

template <class Ehdr, class Phdr, class Dyn>
std::string fake_elf_bytes(const FakeElf& f, unsigned char elf_class) {
  const uint64_t base = 0x400000;
  std::string strtab(1, '\0');
  auto add_string = [&](const std::string& s) {
    uint64_t at = strtab.size();
    strtab += s;
    strtab += '\0';
    return at;
  };
  std::vector<Dyn> dyn;
  auto add_dyn = [&](int64_t tag, uint64_t val) {
    Dyn d{};
    d.d_tag = static_cast<decltype(d.d_tag)>(tag);
    d.d_un.d_val = static_cast<decltype(d.d_un.d_val)>(val);
    dyn.push_back(d);
  };
  for (const auto& n : f.needed) add_dyn(DT_NEEDED, add_string(n));
  if (f.runpath) add_dyn(DT_RUNPATH, add_string(*f.runpath));
  if (f.rpath) add_dyn(DT_RPATH, add_string(*f.rpath));
  if (f.soname) add_dyn(DT_SONAME, add_string(*f.soname));

  const uint64_t phnum = f.interpreter ? 3 : 2;
  const uint64_t interp_at = sizeof(Ehdr) + phnum * sizeof(Phdr);
  const uint64_t interp_size = f.interpreter ? f.interpreter->size() + 1 : 0;
  const uint64_t strtab_at = interp_at + interp_size;
  const uint64_t dyn_at = (strtab_at + strtab.size() + 7) & ~uint64_t{7};
  add_dyn(DT_STRTAB, base + strtab_at);
  add_dyn(DT_STRSZ, strtab.size());
  add_dyn(DT_NULL, 0);
  const uint64_t size = dyn_at + dyn.size() * sizeof(Dyn);

  std::string out(size, '\0');
  Ehdr h{};
  std::memcpy(h.e_ident, ELFMAG, SELFMAG);
  h.e_ident[EI_CLASS] = elf_class;
  h.e_ident[EI_DATA] = ELFDATA2LSB;
  h.e_ident[EI_VERSION] = EV_CURRENT;
  h.e_type = ET_DYN;
  h.e_machine = f.machine;
  h.e_version = EV_CURRENT;
  h.e_phoff = sizeof(Ehdr);
  h.e_ehsize = sizeof(Ehdr);
  h.e_phentsize = sizeof(Phdr);
  h.e_phnum = static_cast<uint16_t>(phnum);
  std::memcpy(out.data(), &h, sizeof h);

  std::vector<Phdr> ph;
  if (f.interpreter) {
    Phdr p{};
    p.p_type = PT_INTERP;
    p.p_offset = static_cast<decltype(p.p_offset)>(interp_at);
    p.p_vaddr = static_cast<decltype(p.p_vaddr)>(base + interp_at);
    p.p_filesz = static_cast<decltype(p.p_filesz)>(interp_size);
    ph.push_back(p);
    std::memcpy(out.data() + interp_at, f.interpreter->c_str(), interp_size);
  }
  Phdr load{};
  load.p_type = PT_LOAD;
  load.p_vaddr = static_cast<decltype(load.p_vaddr)>(base);
  load.p_filesz = static_cast<decltype(load.p_filesz)>(size);
  ph.push_back(load);
  Phdr dynamic{};
  dynamic.p_type = PT_DYNAMIC;
  dynamic.p_offset = static_cast<decltype(dynamic.p_offset)>(dyn_at);
  dynamic.p_vaddr = static_cast<decltype(dynamic.p_vaddr)>(base + dyn_at);
  dynamic.p_filesz = static_cast<decltype(dynamic.p_filesz)>(dyn.size() * sizeof(Dyn));
  ph.push_back(dynamic);
  std::memcpy(out.data() + sizeof(Ehdr), ph.data(), ph.size() * sizeof(Phdr));
  std::memcpy(out.data() + strtab_at, strtab.data(), strtab.size());
  std::memcpy(out.data() + dyn_at, dyn.data(), dyn.size() * sizeof(Dyn));
  return out;
}

inline void write_fake_elf(const std::string& file, const FakeElf& f) {
  std::string bytes = f.elf_class == 32
                          ? fake_elf_bytes<Elf32_Ehdr, Elf32_Phdr, Elf32_Dyn>(f, ELFCLASS32)
                          : fake_elf_bytes<Elf64_Ehdr, Elf64_Phdr, Elf64_Dyn>(f, ELFCLASS64);
  std::ofstream(file, std::ios::binary) << bytes;
}

}  // namespace byre::test
