// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: the reference graph as a compact, mapped file.
#include "store/graph-file.hh"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <random>

#include "store/error.hh"
#include "store/fd.hh"

namespace byre::store {

namespace {

constexpr char magic[8] = {'B', 'Y', 'R', 'E', 'G', 'R', 'F', '1'};
constexpr std::uint64_t format_version = 1;

struct Header {
  char magic[8];
  std::uint64_t version;
  std::int64_t instance;
  std::int64_t generation;
  std::uint64_t items;
  std::uint64_t edges;
  std::uint64_t name_bytes;
  std::uint64_t file_size;
  std::uint64_t checksum;
};
static_assert(sizeof(Header) == 72);

constexpr std::size_t round8(std::size_t n) { return (n + 7) & ~std::size_t{7}; }

struct Sizes {
  std::size_t name_offsets, ref_offsets, refs, names, total;
};

Sizes sizes(std::uint64_t items, std::uint64_t edges, std::uint64_t name_bytes) {
  Sizes s;
  s.name_offsets = round8(4 * (items + 1));
  s.ref_offsets = s.name_offsets;
  s.refs = round8(4 * edges);
  s.names = round8(name_bytes);
  s.total = sizeof(Header) + s.name_offsets + s.ref_offsets + s.refs + s.names;
  return s;
}

// A 64-bit checksum of 8-byte words in four independent lanes (so the
// multiplications overlap): the whole file costs about as much as reading
// it.  Not cryptographic: it finds torn, cut and stray writes.
std::uint64_t checksum(const unsigned char* data, std::size_t size) {
  constexpr std::uint64_t p1 = 0x9e3779b185ebca87ull, p2 = 0xc2b2ae3d27d4eb4full;
  std::uint64_t lane[4] = {p1, p2, p1 ^ p2, ~p1};
  auto mix = [](std::uint64_t acc, std::uint64_t w) {
    acc += w * p2;
    acc = (acc << 31) | (acc >> 33);
    return acc * p1;
  };
  std::size_t words = size / 8, i = 0;
  for (; i + 4 <= words; i += 4)
    for (int l = 0; l < 4; ++l) {
      std::uint64_t w;
      std::memcpy(&w, data + 8 * (i + l), 8);
      lane[l] = mix(lane[l], w);
    }
  for (; i < words; ++i) {
    std::uint64_t w;
    std::memcpy(&w, data + 8 * i, 8);
    lane[0] = mix(lane[0], w);
  }
  std::uint64_t h = size;
  for (std::uint64_t l : lane) h = mix(h ^ l, l);
  return h;
}

// The checksum of a whole file image (header included, its checksum field
// taken as zero).
std::uint64_t image_checksum(const unsigned char* image, std::size_t size) {
  Header h;
  std::memcpy(&h, image, sizeof h);
  h.checksum = 0;
  return checksum(reinterpret_cast<const unsigned char*>(&h), sizeof h) ^
         (checksum(image + sizeof h, size - sizeof h) * 0x2545f4914f6cdd1dull);
}

void write_all(int fd, const unsigned char* data, std::size_t size, const std::string& file) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("write", file);
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

}  // namespace

std::unique_ptr<GraphFile> GraphFile::open(const std::string& file, std::string* why) {
  auto refuse = [&](const char* reason) -> std::unique_ptr<GraphFile> {
    if (why) *why = reason;
    return nullptr;
  };
  Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return refuse("missing");
    throw_errno("open", file);
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) throw_errno("fstat", file);
  auto size = static_cast<std::size_t>(st.st_size);
  if (size < sizeof(Header)) return refuse("truncated");
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
  if (map == MAP_FAILED) throw_errno("mmap", file);
  std::unique_ptr<GraphFile> g(new GraphFile);
  g->map_ = map;
  g->map_size_ = size;
  auto* image = static_cast<const unsigned char*>(map);
  Header h;
  std::memcpy(&h, image, sizeof h);
  if (std::memcmp(h.magic, magic, sizeof magic) != 0 || h.version != format_version)
    return refuse("not a graph file");
  constexpr std::uint64_t limit = std::numeric_limits<std::uint32_t>::max() - 1;
  if (h.items > limit || h.edges > limit || h.name_bytes > limit)
    return refuse("inconsistent offsets");
  Sizes s = sizes(h.items, h.edges, h.name_bytes);
  if (h.file_size != s.total || size < s.total) return refuse("truncated");
  if (size != s.total) return refuse("inconsistent offsets");
  if (image_checksum(image, size) != h.checksum) return refuse("checksum mismatch");
  g->instance_ = h.instance;
  g->generation_ = h.generation;
  g->items_ = h.items;
  g->edges_ = h.edges;
  const unsigned char* p = image + sizeof h;
  g->name_offset_ = reinterpret_cast<const std::uint32_t*>(p);
  p += s.name_offsets;
  g->ref_offset_ = reinterpret_cast<const std::uint32_t*>(p);
  p += s.ref_offsets;
  g->refs_ = reinterpret_cast<const std::uint32_t*>(p);
  p += s.refs;
  g->names_ = reinterpret_cast<const char*>(p);
  // The checksum says the bytes are the ones written; these checks say a
  // writer's bug cannot make a lookup read outside the file either.
  if (g->name_offset_[0] != 0 || g->ref_offset_[0] != 0 ||
      g->name_offset_[h.items] != h.name_bytes || g->ref_offset_[h.items] != h.edges)
    return refuse("inconsistent offsets");
  for (std::size_t i = 0; i < h.items; ++i)
    if (g->name_offset_[i] > g->name_offset_[i + 1] ||
        g->ref_offset_[i] > g->ref_offset_[i + 1])
      return refuse("inconsistent offsets");
  for (std::size_t i = 0; i < h.edges; ++i)
    if (g->refs_[i] >= h.items) return refuse("inconsistent offsets");
  return g;
}

GraphFile::~GraphFile() {
  if (map_) ::munmap(map_, map_size_);
}

std::optional<GraphFile::Id> GraphFile::find(std::string_view path) const {
  std::size_t lo = 0, hi = items_;
  while (lo < hi) {
    std::size_t mid = lo + (hi - lo) / 2;
    std::string_view p = this->path(static_cast<Id>(mid));
    if (p < path) lo = mid + 1;
    else if (path < p) hi = mid;
    else return static_cast<Id>(mid);
  }
  return std::nullopt;
}

void GraphFile::write(const std::string& file, const Graph& graph, std::int64_t instance,
                      std::int64_t generation) {
  // Ids in the file are ranks in name order.
  std::vector<Graph::Id> order;
  order.reserve(graph.size());
  for (Graph::Id id = 0; id < graph.id_limit(); ++id)
    if (graph.contains(id)) order.push_back(id);
  std::sort(order.begin(), order.end(),
            [&](Graph::Id a, Graph::Id b) { return graph.path(a) < graph.path(b); });
  std::vector<std::uint32_t> rank(graph.id_limit(), 0);
  for (std::size_t i = 0; i < order.size(); ++i) rank[order[i]] = static_cast<std::uint32_t>(i);

  std::uint64_t name_bytes = 0, edges = 0;
  for (Graph::Id id : order) {
    name_bytes += graph.path(id).size();
    edges += graph.references(id).size();
  }
  constexpr std::uint64_t limit = std::numeric_limits<std::uint32_t>::max() - 1;
  if (order.size() > limit || edges > limit || name_bytes > limit)
    throw invalid_input("the reference graph is too large for its file format", file);
  Sizes s = sizes(order.size(), edges, name_bytes);
  std::vector<unsigned char> image(s.total, 0);
  Header h{};
  std::memcpy(h.magic, magic, sizeof magic);
  h.version = format_version;
  h.instance = instance;
  h.generation = generation;
  h.items = order.size();
  h.edges = edges;
  h.name_bytes = name_bytes;
  h.file_size = s.total;
  auto* name_offset = reinterpret_cast<std::uint32_t*>(image.data() + sizeof h);
  auto* ref_offset = reinterpret_cast<std::uint32_t*>(image.data() + sizeof h + s.name_offsets);
  auto* refs = reinterpret_cast<std::uint32_t*>(image.data() + sizeof h + s.name_offsets +
                                                s.ref_offsets);
  char* names = reinterpret_cast<char*>(image.data() + sizeof h + s.name_offsets +
                                        s.ref_offsets + s.refs);
  std::uint32_t n = 0, e = 0;
  for (std::size_t i = 0; i < order.size(); ++i) {
    name_offset[i] = n;
    ref_offset[i] = e;
    const std::string& p = graph.path(order[i]);
    std::memcpy(names + n, p.data(), p.size());
    n += static_cast<std::uint32_t>(p.size());
    std::size_t first = e;
    for (Graph::Id r : graph.references(order[i])) refs[e++] = rank[r];
    std::sort(refs + first, refs + e);
  }
  name_offset[order.size()] = n;
  ref_offset[order.size()] = e;
  std::memcpy(image.data(), &h, sizeof h);
  h.checksum = image_checksum(image.data(), image.size());
  std::memcpy(image.data(), &h, sizeof h);

  // A new file beside FILE, renamed over it when whole.  No fsync: after a
  // power failure the file may be empty or cut short, which `open` finds.
  std::random_device rd;
  std::string tmp = file + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(rd());
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!fd) throw_errno("open", tmp);
  try {
    write_all(fd.get(), image.data(), image.size(), tmp);
    fd.reset();
    if (::rename(tmp.c_str(), file.c_str()) != 0) throw_errno("rename", tmp);
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
}

std::vector<std::string> requisites(const GraphFile& snapshot, const GraphChanges& changes,
                                    const std::vector<std::string>& roots) {
  // Nodes: ids of the snapshot below N, then the changed items, each under
  // N + its index in `changed`.  A snapshot item that changed is visited as
  // its changed node (its references are those of the database now).
  const std::size_t n = snapshot.size();
  std::vector<const std::string*> changed_name;
  std::vector<const std::vector<std::string>*> changed_refs;
  std::unordered_map<std::string_view, std::uint32_t> changed_index;
  std::unordered_map<GraphFile::Id, std::uint32_t> redirect;  // snapshot id -> node
  for (const auto& [path, refs] : changes.valid) {
    auto node = static_cast<std::uint32_t>(n + changed_name.size());
    changed_index.emplace(path, node);
    changed_name.push_back(&path);
    changed_refs.push_back(&refs);
    if (auto id = snapshot.find(path)) redirect.emplace(*id, node);
  }
  auto node_of = [&](std::string_view path) -> std::optional<std::uint32_t> {
    if (auto it = changed_index.find(path); it != changed_index.end()) return it->second;
    if (changes.deleted.count(std::string(path))) return std::nullopt;
    return snapshot.find(path);
  };
  auto resolve = [&](std::uint32_t id) {
    if (!redirect.empty())
      if (auto it = redirect.find(id); it != redirect.end()) return it->second;
    return id;
  };
  std::vector<unsigned char> seen(n + changed_name.size(), 0);
  std::vector<std::uint32_t> queue;
  for (const std::string& root : roots) {
    auto node = node_of(root);
    if (!node) throw invalid_input("not a valid store item", root);
    if (!seen[*node]) {
      seen[*node] = 1;
      queue.push_back(*node);
    }
  }
  auto visit = [&](std::uint32_t node) {
    if (!seen[node]) {
      seen[node] = 1;
      queue.push_back(node);
    }
  };
  for (std::size_t head = 0; head < queue.size(); ++head) {
    std::uint32_t node = queue[head];
    if (node < n) {
      for (GraphFile::Id r : snapshot.references(node)) visit(resolve(r));
    } else {
      for (const std::string& ref : *changed_refs[node - n]) {
        auto r = node_of(ref);
        // The database refuses a reference to an invalid item: a change
        // log that says otherwise is not to be followed silently.
        if (!r) throw invalid_input("reference graph: a reference to an item that is not valid",
                                    ref);
        visit(*r);
      }
    }
  }
  std::vector<std::string> out;
  out.reserve(queue.size());
  for (std::uint32_t node : queue)
    out.emplace_back(node < n ? std::string(snapshot.path(node)) : *changed_name[node - n]);
  return out;
}

}  // namespace byre::store
