import Foundation
import Tensors

/// A ``TensorBackend`` in host memory for tests: every op it runs is the CPU op itself, applied
/// to copies of the operands' values, so its results must equal the CPU path's bit for bit; it
/// records each call (`calls`) and each upload and download, so tests can see what was routed
/// where. Ops listed in `unsupported` return nil (the host fallback).
public final class FakeBackend: TensorBackend, @unchecked Sendable {
    /// Device memory: a plain array of values.
    final class Allocation: DeviceAllocation, @unchecked Sendable {
        var values: [Float]
        init(_ values: [Float]) { self.values = values }
    }

    private let lock = NSLock()
    private var recorded: [String] = []
    private var counters = (uploads: 0, downloads: 0)
    /// Names of ops (as recorded) that return nil.
    public let unsupported: Set<String>

    public init(unsupported: Set<String> = []) { self.unsupported = unsupported }

    public var name: String { "fake" }
    /// Op names in call order (`add`, `rmsNorm`, `gemm`, …).
    public var calls: [String] { lock.withLock { recorded } }
    public var uploads: Int { lock.withLock { counters.uploads } }
    public var downloads: Int { lock.withLock { counters.downloads } }
    public func resetRecords() { lock.withLock { recorded = []; counters = (0, 0) } }

    public func upload(_ values: UnsafeBufferPointer<Float>) throws -> any DeviceAllocation {
        lock.withLock { counters.uploads += 1 }
        return Allocation(Array(values))
    }

    public func download(_ allocation: any DeviceAllocation, into values: UnsafeMutableBufferPointer<Float>) throws {
        lock.withLock { counters.downloads += 1 }
        let source = (allocation as! Allocation).values
        for i in values.indices { values[i] = source[i] }
    }

    /// The values of `tensor` (moved here first if it is on the host) as a host tensor, without
    /// touching its host mirror.
    private func host(_ tensor: Tensor) throws -> Tensor {
        Tensor(shape: tensor.shape, scalars: (try tensor.deviceAllocation(on: self) as! Allocation).values)
    }

    /// Records `name` and runs `body` over host copies, returning its result as a device tensor.
    private func run(_ name: String, _ body: () throws -> Tensor) rethrows -> Tensor? {
        if unsupported.contains(name) { return nil }
        lock.withLock { recorded.append(name) }
        let out = try body()
        return Tensor(shape: out.shape, allocation: Allocation(out.scalars), backend: self)
    }

    public func elementwise(_ operation: ElementwiseOperation, _ a: Tensor, _ b: Tensor?) throws -> Tensor? {
        let x = try host(a), y = try b.map(host)
        return run("\(operation)") {
            switch operation {
            case .add: x + y!
            case .subtract: x - y!
            case .multiply: x * y!
            case .divide: x / y!
            case .scale(let s): x * s
            case .addScalar(let s): x + s
            case .silu: x.silu()
            case .gelu: x.gelu()
            case .exp: x.exp()
            case .tanh: x.tanh()
            }
        }
    }

    public func rows(_ operation: RowOperation, _ x: Tensor, weight: Tensor?, bias: Tensor?) throws -> Tensor? {
        let (h, w, b) = (try host(x), try weight.map(host), try bias.map(host))
        switch operation {
        case .rmsNorm(let epsilon): return run("rmsNorm") { h.rmsNorm(weight: w, epsilon: epsilon) }
        case .layerNorm(let epsilon): return run("layerNorm") { h.layerNorm(weight: w, bias: b, epsilon: epsilon) }
        case .softmax: return run("softmax") { h.softmax() }
        }
    }

    public func rotary(_ x: Tensor, cos: Tensor, sin: Tensor, layout: RotaryLayout, inverse: Bool) throws -> Tensor? {
        let (h, c, s) = (try host(x), try host(cos), try host(sin))
        return run(inverse ? "rotaryInverse" : "rotary") {
            inverse ? h.applyingRotary(cos: c, sin: s * -1, layout: layout) : h.applyingRotary(cos: c, sin: s, layout: layout)
        }
    }

    public func gemm(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) throws -> Tensor? {
        let (x, y) = (try host(a), try host(b))
        return run("gemm") { x.matmul(y, transposeSelf: transposeA, transposeOther: transposeB) }
    }

    public func gemm(_ x: Tensor, stored weight: StoredMatrix, transposed: Bool) throws -> Tensor? {
        let h = try host(x)
        return run("gemmStored") { h.matmul(stored: weight, transposeWeight: transposed) }
    }

    public func attention(query: Tensor, key: Tensor, value: Tensor, causal: Bool, keyPadding: Tensor?, scale: Float) throws -> Tensor? {
        let (q, k, v, p) = (try host(query), try host(key), try host(value), try keyPadding.map(host))
        return run("attention") {
            Tensor.scaledDotProductAttention(query: q, key: k, value: v, causal: causal, keyPadding: p, scale: scale)
        }
    }

    public func permute(_ x: Tensor, axes: [Int]) throws -> Tensor? {
        let h = try host(x)
        return run("permute") { h.permuted(axes) }
    }

    public func gatherRows(_ x: Tensor, _ indices: [Int]) throws -> Tensor? {
        let h = try host(x)
        return run("gatherRows") { h.indexSelect(axis: 0, indices) }
    }

    public func addBlock(into target: Tensor, _ block: Tensor, axis: Int, at start: Int) throws -> Bool {
        if unsupported.contains("addBlock") { return false }
        lock.withLock { recorded.append("addBlock") }
        let destination = try target.deviceAllocation(on: self) as! Allocation
        let source = try host(block).scalars
        let inner = target.shape.dropFirst(axis + 1).reduce(1, *)
        let (span, blockSpan) = (target.shape[axis] * inner, block.shape[axis] * inner)
        for i in source.indices { destination.values[(i / blockSpan) * span + start * inner + i % blockSpan] += source[i] }
        return true
    }
}
