import Tensors

/// Seeded k-means (Lloyd's algorithm with k-means++ seeding) over rows of equal length: Mod-Adapter's
/// parameter-free router, fitted once on the training concepts' neutral features.
///
/// Seeding: the first centroid is a uniformly drawn row; each next one a row drawn with probability
/// ∝ its squared distance to the nearest chosen centroid. Then, until no assignment changes (at most
/// `iterations` rounds), each row joins its nearest centroid (ties: the lower index) and each centroid
/// becomes the mean of its rows (an empty cluster keeps its centroid). With fewer distinct rows than
/// k, duplicate centroids are allowed; ``nearest(_:)`` then returns the lowest index.
struct KMeans: Equatable {
    /// `k` centroids.
    var centroids: [[Float]]

    init(centroids: [[Float]]) {
        self.centroids = centroids
    }

    /// Fits `k` clusters (k ≥ 1, rows non-empty).
    init(rows: [[Float]], k: Int, seed: UInt64, iterations: Int = 100) {
        precondition(k >= 1 && !rows.isEmpty, "k-means: needs k ≥ 1 and at least one row")
        var random = RandomGenerator(seed: seed)
        var centroids = [rows[random.nextInt(in: 0..<rows.count)]]
        while centroids.count < k {
            let distances = rows.map { row in centroids.map { Self.squaredDistance(row, $0) }.min() ?? 0 }
            let total = distances.reduce(0, +)
            guard total > 0 else { centroids.append(centroids[0]); continue }
            var target = Float(random.nextUnitDouble()) * total
            var chosen = rows.count - 1
            for (index, distance) in distances.enumerated() {
                target -= distance
                if target <= 0 && distance > 0 { chosen = index; break }
            }
            centroids.append(rows[chosen])
        }
        self.centroids = centroids
        var assignment = [Int](repeating: -1, count: rows.count)
        for _ in 0..<iterations {
            let next = rows.map(nearest)
            if next == assignment { break }
            assignment = next
            for cluster in 0..<k {
                let members = rows.indices.filter { assignment[$0] == cluster }
                guard !members.isEmpty else { continue }
                self.centroids[cluster] = (0..<rows[0].count).map { j in
                    members.reduce(0) { $0 + rows[$1][j] } / Float(members.count)
                }
            }
        }
    }

    /// The index of the centroid nearest `row` (the lowest on ties).
    func nearest(_ row: [Float]) -> Int {
        var best = 0
        var bestDistance = Float.infinity
        for (index, centroid) in centroids.enumerated() {
            let distance = Self.squaredDistance(row, centroid)
            if distance < bestDistance { (best, bestDistance) = (index, distance) }
        }
        return best
    }

    static func squaredDistance(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    }
}
