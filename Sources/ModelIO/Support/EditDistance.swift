/// Levenshtein distance and "did you mean" suggestions for error messages.
public enum EditDistance {
    /// The number of single-character insertions, deletions and substitutions that turn `a`
    /// into `b` (compared by Unicode scalar).
    ///
    /// - Complexity: O(|a|·|b|) time, O(|b|) memory.
    public static func between(_ a: String, _ b: String) -> Int {
        let source = Array(a.unicodeScalars), target = Array(b.unicodeScalars)
        if source.isEmpty { return target.count }
        var previous = Array(0...target.count)
        var current = [Int](repeating: 0, count: target.count + 1)
        for i in 1...source.count {
            current[0] = i
            for j in stride(from: 1, through: target.count, by: 1) {
                let substitution = previous[j - 1] + (source[i - 1] == target[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
            }
            swap(&previous, &current)
        }
        return previous[target.count]
    }

    /// Up to `limit` candidates nearest to `word`, closest first (ties by name). A candidate
    /// qualifies when its distance is at most a third of the longer string's length (at least 2),
    /// or when one of the two contains the other (`clamp_norm` → `clamp_norm_factor`); far-off
    /// names are not suggestions.
    public static func suggestions(for word: String, among candidates: some Sequence<String>, limit: Int = 3) -> [String] {
        candidates
            .map { (name: $0, distance: between(word, $0)) }
            .filter {
                $0.distance <= max(2, max($0.name.count, word.count) / 3)
                    || (!word.isEmpty && !$0.name.isEmpty && ($0.name.contains(word) || word.contains($0.name)))
            }
            .sorted { ($0.distance, $0.name) < ($1.distance, $1.name) }
            .prefix(limit)
            .map(\.name)
    }
}
