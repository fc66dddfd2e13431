// "Did you mean": the closest candidate to a misspelt name, by edit distance (Ninja's
// spellcheck). Pure functions; used by the linter and by cli/ for case ids, slugs,
// subcommands, signals and models.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace faultline {

/// Levenshtein distance, giving up (returning max_distance + 1) once it exceeds max_distance.
int edit_distance(std::string_view a, std::string_view b, int max_distance);

/// The candidate closest to word within a distance proportional to its length, or "" if none.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

/// " (did you mean 'x'?)" or "" when nothing is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace faultline
