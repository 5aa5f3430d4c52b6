/// Analytic inside tests for the eight shapes and the four patterns.
///
/// Shapes live in unit coordinates: `(u, v)` with the object's centre at the origin, `v` pointing
/// down (image rows), and the shape inscribed in the square `[-1, 1]²` (the renderer scales by the
/// object's radius in pixels). Patterns live in pixel offsets from the object's centre, so they
/// move with the object and keep their period (in pixels) at both sizes.
enum ShapeGeometry {
    /// Whether the unit-coordinate point `(u, v)` is inside `shape`.
    static func contains(_ shape: ObjectShape, u: Float, v: Float) -> Bool {
        switch shape {
        case .circle:
            return u * u + v * v <= 1
        case .square:
            return abs(u) <= 0.85 && abs(v) <= 0.85
        case .triangle:
            // Apex (0, −0.95), base corners (±1, 0.8).
            return v <= 0.8 && abs(u) <= (v + 0.95) / 1.75
        case .diamond:
            return abs(u) / 0.8 + abs(v) <= 1
        case .hexagon:
            // Regular, vertices (±1, 0) and (±½, ±√3/2).
            let halfHeight: Float = 0.866_025_4
            return abs(v) <= halfHeight && halfHeight * 2 * abs(u) + abs(v) <= 2 * halfHeight
        case .cross:
            let arm: Float = 0.34
            return (abs(u) <= arm && abs(v) <= 1) || (abs(v) <= arm && abs(u) <= 1)
        case .heart:
            // (x² + y² − 1)³ − x² y³ ≤ 0 with y pointing up, scaled to fill the unit square.
            let x = u * 1.2, y = -v * 1.25 + 0.15
            let r = x * x + y * y - 1
            return r * r * r - x * x * y * y * y <= 0
        case .star:
            // Shifted down by 0.095 so the star (tips at −1 and 0.809) is vertically centred.
            return polygonContains(starVertices, u: u, v: v - 0.095)
        }
    }

    /// A five-pointed star: outer radius 1 (first tip straight up), inner radius 0.42, vertices
    /// at multiples of 36° (sin/cos written out so the shape is the same on every platform).
    static let starVertices: [(Float, Float)] = {
        let outer: [(Float, Float)] = [(0, -1), (0.951_056_5, -0.309_017), (0.587_785_3, 0.809_017),
                                       (-0.587_785_3, 0.809_017), (-0.951_056_5, -0.309_017)]
        let innerDirections: [(Float, Float)] = [(0.587_785_3, -0.809_017), (0.951_056_5, 0.309_017), (0, 1),
                                                 (-0.951_056_5, 0.309_017), (-0.587_785_3, -0.809_017)]
        let innerRadius: Float = 0.42
        return (0..<5).flatMap { [outer[$0], (innerDirections[$0].0 * innerRadius, innerDirections[$0].1 * innerRadius)] }
    }()

    /// Crossing-number test: a horizontal ray from `(u, v)` crosses the polygon's edges an odd
    /// number of times exactly when the point is inside.
    static func polygonContains(_ vertices: [(Float, Float)], u: Float, v: Float) -> Bool {
        var inside = false
        var previous = vertices[vertices.count - 1]
        for vertex in vertices {
            if (vertex.1 > v) != (previous.1 > v) {
                let crossing = vertex.0 + (v - vertex.1) * (previous.0 - vertex.0) / (previous.1 - vertex.1)
                if u < crossing { inside.toggle() }
            }
            previous = vertex
        }
        return inside
    }

    /// Whether the point at pixel offset `(x, y)` from the object's centre shows the pattern shade:
    /// horizontal stripes 2 px wide (period 4 px), dots of radius 1.3 px on a 5 px grid (one dot at
    /// the centre), checker cells of 3 px. `solid` never does.
    static func isPatternShade(_ pattern: ObjectPattern, x: Float, y: Float) -> Bool {
        switch pattern {
        case .solid:
            return false
        case .striped:
            return Int((y / 2).rounded(.down)) & 1 == 1
        case .dotted:
            let period: Float = 5
            let dx = x - period * (x / period).rounded(), dy = y - period * (y / period).rounded()
            return dx * dx + dy * dy <= 1.69
        case .checkered:
            return (Int((x / 3).rounded(.down)) + Int((y / 3).rounded(.down))) & 1 == 1
        }
    }
}
