// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
#include "host/elf.hh"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <system_error>

namespace byre::host {

namespace {

// Larger dynamic segments or string tables than these are not what a
// linker writes: refuse them rather than allocate what a corrupt header says.
constexpr uint64_t max_dynamic_size = 1 << 20;
constexpr uint64_t max_strtab_size = 16 << 20;
constexpr unsigned max_program_headers = 4096;

std::system_error errno_error(const char* operation, const std::string& file) {
  return std::system_error(errno, std::generic_category(),
                           std::string(operation) + " \"" + file + "\"");
}

// An open file, read with pread; closed on every path out.
class Reader {
public:
  explicit Reader(const std::string& file) : file_(file) {
    fd_ = open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw errno_error("open", file);
    struct stat st;
    if (fstat(fd_, &st) != 0) {
      int e = errno;
      close(fd_);
      errno = e;
      throw errno_error("stat", file);
    }
    if (!S_ISREG(st.st_mode)) {
      close(fd_);
      throw elf_error(file + ": not a regular file");
    }
    size_ = static_cast<uint64_t>(st.st_size);
  }
  ~Reader() { close(fd_); }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  uint64_t size() const { return size_; }
  const std::string& file() const { return file_; }

  // Read exactly LENGTH bytes at OFFSET; WHAT names the part for errors.
  std::string read(uint64_t offset, uint64_t length, const char* what) const {
    if (offset > size_ || length > size_ - offset)
      throw elf_error(file_ + ": truncated ELF file (" + what + " beyond its end)");
    std::string out(length, '\0');
    std::size_t done = 0;
    while (done < length) {
      ssize_t n = pread(fd_, out.data() + done, length - done,
                        static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        throw errno_error("read", file_);
      }
      if (n == 0) throw elf_error(file_ + ": truncated ELF file (" + what + ")");
      done += static_cast<std::size_t>(n);
    }
    return out;
  }

private:
  std::string file_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

// Little-endian fields, decoded byte by byte.
uint64_t le(const char* p, std::size_t width) {
  uint64_t v = 0;
  for (std::size_t i = width; i-- > 0;)
    v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

// Field F of structure S (from <elf.h>) in the bytes at BASE.
#define FIELD(BASE, S, F) le((BASE) + offsetof(S, F), sizeof(S::F))

struct Elf32 {
  using Ehdr = Elf32_Ehdr;
  using Phdr = Elf32_Phdr;
  using Dyn = Elf32_Dyn;
  static constexpr int elf_class = 32;
};
struct Elf64 {
  using Ehdr = Elf64_Ehdr;
  using Phdr = Elf64_Phdr;
  using Dyn = Elf64_Dyn;
  static constexpr int elf_class = 64;
};

std::vector<std::string> split_path(const std::string& s) {
  // An empty entry means the current directory to the loader; keep it as
  // ".", which the closure then ignores as relative.
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t colon = s.find(':', start);
    std::string item = s.substr(start, colon == std::string::npos ? std::string::npos
                                                                  : colon - start);
    out.push_back(item.empty() ? "." : item);
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return out;
}

template <class E>
ElfFile read_elf_as(const Reader& in, const std::string& ehdr_bytes) {
  using Ehdr = typename E::Ehdr;
  using Phdr = typename E::Phdr;
  using Dyn = typename E::Dyn;
  const std::string& file = in.file();
  if (ehdr_bytes.size() < sizeof(Ehdr))
    throw elf_error(file + ": truncated ELF file (header)");
  const char* h = ehdr_bytes.data();

  ElfFile elf;
  elf.elf_class = E::elf_class;
  elf.type = static_cast<uint16_t>(FIELD(h, Ehdr, e_type));
  elf.machine = static_cast<uint16_t>(FIELD(h, Ehdr, e_machine));
  uint64_t phoff = FIELD(h, Ehdr, e_phoff);
  uint64_t phentsize = FIELD(h, Ehdr, e_phentsize);
  uint64_t phnum = FIELD(h, Ehdr, e_phnum);
  if (phnum == 0) return elf;  // a relocatable object: nothing for the loader
  if (phentsize < sizeof(Phdr) || phnum > max_program_headers)
    throw elf_error(file + ": malformed ELF program header table");

  std::string table = in.read(phoff, phentsize * phnum, "program headers");
  struct Segment {
    uint64_t type, offset, vaddr, filesz;
  };
  std::vector<Segment> segments;
  for (uint64_t i = 0; i < phnum; ++i) {
    const char* p = table.data() + i * phentsize;
    segments.push_back({FIELD(p, Phdr, p_type), FIELD(p, Phdr, p_offset),
                        FIELD(p, Phdr, p_vaddr), FIELD(p, Phdr, p_filesz)});
  }

  const Segment* dynamic = nullptr;
  for (const Segment& s : segments) {
    if (s.type == PT_INTERP) {
      std::string interp = in.read(s.offset, s.filesz, "PT_INTERP");
      interp.resize(std::strlen(interp.c_str()));
      elf.interpreter = interp;
    } else if (s.type == PT_DYNAMIC) {
      dynamic = &s;
    }
  }
  if (!dynamic) return elf;
  elf.dynamic = true;
  if (dynamic->filesz > max_dynamic_size)
    throw elf_error(file + ": malformed ELF dynamic segment (too large)");

  std::string dyn = in.read(dynamic->offset, dynamic->filesz, "dynamic segment");
  uint64_t strtab = 0, strsz = 0;
  bool has_strtab = false;
  std::vector<uint64_t> needed;
  std::optional<uint64_t> rpath, runpath, soname;
  for (std::size_t off = 0; off + sizeof(Dyn) <= dyn.size(); off += sizeof(Dyn)) {
    const char* d = dyn.data() + off;
    // d_tag is signed, d_un the same width: read both as unsigned words.
    uint64_t tag = le(d + offsetof(Dyn, d_tag), sizeof(Dyn::d_tag));
    uint64_t val = le(d + offsetof(Dyn, d_un), sizeof(Dyn::d_un));
    if (tag == DT_NULL) break;
    switch (tag) {
      case DT_NEEDED: needed.push_back(val); break;
      case DT_RPATH: rpath = val; break;
      case DT_RUNPATH: runpath = val; break;
      case DT_SONAME: soname = val; break;
      case DT_STRTAB: strtab = val; has_strtab = true; break;
      case DT_STRSZ: strsz = val; break;
      default: break;
    }
  }
  if (needed.empty() && !rpath && !runpath && !soname) return elf;
  if (!has_strtab || strsz == 0 || strsz > max_strtab_size)
    throw elf_error(file + ": malformed ELF dynamic section (no string table)");

  // DT_STRTAB is an address: the PT_LOAD segment that maps it gives its
  // place in the file.
  std::optional<uint64_t> strtab_offset;
  for (const Segment& s : segments)
    if (s.type == PT_LOAD && s.vaddr <= strtab && strtab - s.vaddr < s.filesz) {
      strtab_offset = strtab - s.vaddr + s.offset;
      break;
    }
  if (!strtab_offset)
    throw elf_error(file + ": malformed ELF dynamic section (string table not loaded)");
  std::string strings = in.read(*strtab_offset, strsz, "string table");
  auto string_at = [&](uint64_t index) {
    if (index >= strings.size())
      throw elf_error(file + ": malformed ELF dynamic section (string out of range)");
    return std::string(strings.c_str() + index);
  };

  for (uint64_t n : needed) elf.needed.push_back(string_at(n));
  if (rpath) elf.rpath = split_path(string_at(*rpath));
  if (runpath) elf.runpath = split_path(string_at(*runpath));
  if (soname) elf.soname = string_at(*soname);
  return elf;
}

#undef FIELD

}  // namespace

bool is_elf(const std::string& file) {
  // Only regular files: opening a device can have effects of its own.
  struct stat st;
  if (stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return false;
  char magic[SELFMAG];
  ssize_t n = pread(fd, magic, SELFMAG, 0);
  close(fd);
  return n == SELFMAG && std::memcmp(magic, ELFMAG, SELFMAG) == 0;
}

ElfFile read_elf(const std::string& file) {
  Reader in(file);
  if (in.size() < EI_NIDENT)
    throw elf_error(file + ": not an ELF file (too short)");
  std::string ident = in.read(0, EI_NIDENT, "identification");
  if (std::memcmp(ident.data(), ELFMAG, SELFMAG) != 0)
    throw elf_error(file + ": not an ELF file");
  if (ident[EI_DATA] != ELFDATA2LSB)
    throw elf_error(file + ": not a little-endian ELF file");
  switch (ident[EI_CLASS]) {
    case ELFCLASS32:
      return read_elf_as<Elf32>(
          in, in.read(0, std::min<uint64_t>(in.size(), sizeof(Elf32_Ehdr)), "header"));
    case ELFCLASS64:
      return read_elf_as<Elf64>(
          in, in.read(0, std::min<uint64_t>(in.size(), sizeof(Elf64_Ehdr)), "header"));
    default:
      throw elf_error(file + ": unknown ELF class " +
                      std::to_string(static_cast<unsigned char>(ident[EI_CLASS])));
  }
}

std::optional<std::string> expand_origin(const std::string& entry,
                                         const std::string& origin) {
  std::string out;
  for (std::size_t i = 0; i < entry.size();) {
    if (entry[i] != '$') {
      out += entry[i++];
      continue;
    }
    if (entry.compare(i, 7, "$ORIGIN") == 0) {
      std::size_t end = i + 7;
      // "$ORIGINAL" is not the token: it must end at a non-name character.
      if (end < entry.size() && (std::isalnum(static_cast<unsigned char>(entry[end])) ||
                                 entry[end] == '_'))
        return std::nullopt;
      out += origin;
      i = end;
    } else if (entry.compare(i, 9, "${ORIGIN}") == 0) {
      out += origin;
      i += 9;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

}  // namespace byre::host
