#include "kb/model.h"

#include <algorithm>
#include <charconv>

namespace faultline::kb {

const Signal* KnowledgeBase::find_signal(const std::string& id) const {
  auto it = std::lower_bound(signals.begin(), signals.end(), id,
                             [](const Signal& s, const std::string& k) { return s.id < k; });
  return it != signals.end() && it->id == id ? &*it : nullptr;
}

const Case* KnowledgeBase::find_case(int id) const {
  auto it = std::lower_bound(cases.begin(), cases.end(), id, [](const Case& c, int k) { return c.id < k; });
  return it != cases.end() && it->id == id ? &*it : nullptr;
}

const Case* KnowledgeBase::find_case(const std::string& id_or_slug) const {
  int id = 0;
  const char* end = id_or_slug.data() + id_or_slug.size();
  if (auto [p, ec] = std::from_chars(id_or_slug.data(), end, id); ec == std::errc() && p == end) return find_case(id);
  for (const Case& c : cases)
    if (c.slug == id_or_slug) return &c;
  return nullptr;
}

}  // namespace faultline::kb
