import Imaging
import Testing
@testable import World

/// The renderer: sizes, placement, anti-aliasing, contrast, determinism.
@Suite("World renderer")
struct RendererTests {
    static let star = ObjectDescription(size: .small, colour: .red, pattern: .striped, shape: .star)

    @Test("colours and pattern shades contrast with every background and with each other")
    func contrast() {
        func distance(_ a: [UInt8], _ b: [UInt8]) -> Double {
            var sum = 0.0
            for (x, y) in zip(a, b) {
                let difference = Double(x) - Double(y)
                sum += difference * difference
            }
            return sum.squareRoot()
        }
        for colour in ObjectColour.allCases {
            #expect(distance(colour.rgb, colour.patternRGB) >= 100, "\(colour): body vs pattern")
            for background in Background.allCases {
                #expect(distance(colour.rgb, background.rgb) >= 110, "\(colour) on \(background)")
                #expect(distance(colour.patternRGB, background.rgb) >= 110, "\(colour) pattern on \(background)")
            }
        }
    }

    @Test("every shape: small masks are smaller than large ones and fit the expected extents",
          arguments: ObjectShape.allCases)
    func sizes(shape: ObjectShape) throws {
        func extent(_ size: ObjectSize) throws -> (area: Int, width: Int, height: Int) {
            let object = ObjectDescription(size: size, colour: .blue, pattern: .solid, shape: shape)
            let render = try Renderer.render(Scene(object: object, background: .black))
            let columns = (0..<32 * 32).filter { render.mask[$0] == 1 }.map { $0 % 32 }
            let rows = (0..<32 * 32).filter { render.mask[$0] == 1 }.map { $0 / 32 }
            return (render.maskArea, (columns.max() ?? 0) - (columns.min() ?? 0) + 1, (rows.max() ?? 0) - (rows.min() ?? 0) + 1)
        }
        let small = try extent(.small), large = try extent(.large)
        #expect(small.area < large.area)
        #expect((10...14).contains(max(small.width, small.height)), "small \(shape): \(small)")
        #expect((19...24).contains(max(large.width, large.height)), "large \(shape): \(large)")
    }

    @Test("jittered objects stay inside the image with a one-pixel margin")
    func inside() throws {
        for object in ObjectDescription.all where object.pattern == .solid && object.colour == .white {
            let limit = Scene.maximumOffset(for: object.size)
            for (dx, dy) in [(-limit, -limit), (limit, limit), (-limit, limit), (limit, -limit)] {
                let render = try Renderer.render(Scene(object: object, background: .navy, offsetX: dx, offsetY: dy))
                for index in render.coverage.indices where render.coverage[index] > 0 {
                    let (x, y) = (index % 32, index / 32)
                    #expect(x >= 1 && x <= 30 && y >= 1 && y <= 30, "\(object) at (\(dx), \(dy)): pixel (\(x), \(y))")
                }
            }
        }
    }

    @Test("edges are anti-aliased and the mask is coverage ≥ 0.5")
    func antiAliasing() throws {
        let render = try Renderer.render(Scene(object: Self.star, background: .grey))
        #expect(render.coverage.contains { $0 > 0 && $0 < 1 })
        for (coverage, mask) in zip(render.coverage, render.mask) { #expect((coverage >= 0.5) == (mask == 1)) }
        // A pixel far outside shows the pure background, the centre is the object or its pattern.
        #expect(render.image.pixel(x: 0, y: 0) == Background.grey.rgb)
        let centre = render.image.pixel(x: 16, y: 17)
        #expect(centre == ObjectColour.red.rgb || centre == ObjectColour.red.patternRGB)
    }

    @Test("patterns show both shades; solid shows one")
    func patterns() throws {
        for pattern in ObjectPattern.allCases {
            let object = ObjectDescription(size: .small, colour: .green, pattern: pattern, shape: .square)
            let render = try Renderer.render(Scene(object: object, background: .black))
            let interior = (0..<32 * 32).filter { render.coverage[$0] == 1 }
                .map { render.image.pixel(x: $0 % 32, y: $0 / 32) }
            let shaded = interior.filter { $0 == ObjectColour.green.patternRGB }.count
            if pattern == .solid {
                #expect(shaded == 0)
            } else {
                #expect(shaded >= interior.count / 8 && shaded <= interior.count * 7 / 8, "\(pattern): \(shaded)/\(interior.count)")
            }
        }
    }

    @Test("renders are deterministic and the tensor matches the image")
    func determinism() throws {
        let scene = Scene(object: Self.star, background: .teal, offsetX: 2, offsetY: -1)
        let first = try Renderer.render(scene), second = try Renderer.render(scene)
        #expect(first == second)
        let tensor = first.tensor
        #expect(tensor.shape == [3, 32, 32])
        #expect(try Image(tensor: tensor, range: .zeroToOne) == first.image)
        #expect(try Renderer.render(Scene(object: Self.star, background: .teal)) != first)
    }

    @Test("bad sizes are typed errors")
    func badArguments() {
        #expect(throws: WorldError.invalidArgument(name: "size", expected: "8...1024", found: "4")) {
            try Renderer.render(Scene(object: Self.star, background: .black), size: 4)
        }
    }
}
