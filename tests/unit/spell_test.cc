// common/spell.h
#include <doctest/doctest.h>

#include "common/spell.h"

namespace faultline {
namespace {

TEST_CASE("edit distance counts insertions, deletions and substitutions") {
  CHECK(edit_distance("kafka", "kafka", 3) == 0);
  CHECK(edit_distance("kafka", "kafak", 3) == 2);
  CHECK(edit_distance("", "abc", 5) == 3);
  CHECK(edit_distance("abcdef", "x", 2) == 3);  // gives up past the limit
}

TEST_CASE("did you mean offers only close candidates") {
  std::vector<std::string> names = {"cases", "diagnose", "kb", "verify"};
  CHECK(did_you_mean("csaes", names) == " (did you mean 'cases'?)");
  CHECK(did_you_mean("diagnsoe", names) == " (did you mean 'diagnose'?)");
  CHECK(did_you_mean("zzzzzz", names).empty());
}

}  // namespace
}  // namespace faultline
