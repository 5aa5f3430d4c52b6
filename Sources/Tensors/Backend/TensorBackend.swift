/// A compute device behind ``Tensor``: it holds tensors in its own memory and runs the ops it
/// supports there. `Tensors` knows only this protocol; the CUDA module implements it, and the
/// composition root installs one with ``Backend/install(_:)`` (nothing does by default, so the
/// CPU path is the only path unless a command asks for a device).
///
/// Contract:
/// - Ops are called by `Tensor`'s own operations when at least one operand lives on this backend
///   (``Tensor/isOnDevice``); other operands may still be on the host, and the backend moves them
///   with ``Tensor/deviceAllocation(on:)`` (which uploads a memory-mapped weight once per process).
/// - An op returns a new device tensor (``Tensor/init(shape:allocation:backend:)``), or `nil` when
///   it does not support the case: the operation then runs on the CPU, reading the device operands
///   through their host mirrors (correct, but each read is a download).
/// - An op never writes into an operand, except ``addBlock(into:_:axis:at:)``, which writes into
///   the storage it is given and then calls ``TensorStorage/deviceDidWrite()``.
/// - Errors (out of memory, a failed launch) are thrown; `Tensor`'s operations do not throw, so
///   they stop the process with the error's one-line description.
public protocol TensorBackend: AnyObject, Sendable {
    /// For messages: `cuda:0`.
    var name: String { get }

    /// A new allocation holding `values`.
    func upload(_ values: UnsafeBufferPointer<Float>) throws -> any DeviceAllocation
    /// Copies an allocation's first `values.count` values to the host, after the work queued before.
    func download(_ allocation: any DeviceAllocation, into values: UnsafeMutableBufferPointer<Float>) throws

    /// `a (op) b` for a binary operation, `op(a)` for a unary one (`b` is nil), NumPy broadcasting.
    func elementwise(_ operation: ElementwiseOperation, _ a: Tensor, _ b: Tensor?) throws -> Tensor?
    /// A row operation over the last axis (RMSNorm, LayerNorm with optional affine parameters, softmax).
    func rows(_ operation: RowOperation, _ x: Tensor, weight: Tensor?, bias: Tensor?) throws -> Tensor?
    /// RoPE as ``Tensor/applyingRotary(cos:sin:layout:)``; `inverse` rotates by −θ.
    func rotary(_ x: Tensor, cos: Tensor, sin: Tensor, layout: RotaryLayout, inverse: Bool) throws -> Tensor?
    /// op(a)·op(b) for operands with equal leading axes (the batched core of ``Tensor/matmul(_:transposeSelf:transposeOther:)``).
    func gemm(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) throws -> Tensor?
    /// `x · op(W)` over the last axis of `x` for a stored (bf16/f16) weight, as ``Tensor/matmul(stored:transposeWeight:)``.
    func gemm(_ x: Tensor, stored weight: StoredMatrix, transposed: Bool) throws -> Tensor?
    /// As ``Tensor/scaledDotProductAttention(query:key:value:causal:keyPadding:scale:)`` with the scale resolved.
    func attention(query: Tensor, key: Tensor, value: Tensor, causal: Bool, keyPadding: Tensor?, scale: Float) throws -> Tensor?
    /// As ``Tensor/permuted(_:)``.
    func permute(_ x: Tensor, axes: [Int]) throws -> Tensor?
    /// Rows `indices` of a `[rows, width]` tensor (``Tensor/indexSelect(axis:_:)`` on axis 0: an embedding lookup).
    func gatherRows(_ x: Tensor, _ indices: [Int]) throws -> Tensor?
    /// Adds `block` into `target`'s region starting at `start` along `axis` (other axes full), in place;
    /// returns false when unsupported. `target`'s storage is uniquely referenced and on this backend.
    func addBlock(into target: Tensor, _ block: Tensor, axis: Int, at start: Int) throws -> Bool
}

/// A backend's handle on device memory; opaque to `Tensors`.
public protocol DeviceAllocation: AnyObject, Sendable {}

/// The element-wise operations a backend may run.
public enum ElementwiseOperation: Sendable, Equatable, CustomStringConvertible {
    // Binary, broadcasting.
    case add, subtract, multiply, divide
    // Unary.
    /// x·s
    case scale(Float)
    /// x + s
    case addScalar(Float)
    /// x·σ(x)
    case silu
    /// GELU, tanh form
    case gelu
    case exp
    case tanh

    /// Whether the operation takes a second tensor.
    public var isBinary: Bool {
        switch self {
        case .add, .subtract, .multiply, .divide: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .add: "add"
        case .subtract: "subtract"
        case .multiply: "multiply"
        case .divide: "divide"
        case .scale(let s): "scale(\(s))"
        case .addScalar(let s): "addScalar(\(s))"
        case .silu: "silu"
        case .gelu: "gelu"
        case .exp: "exp"
        case .tanh: "tanh"
        }
    }
}

/// The row operations (over the last axis) a backend may run.
public enum RowOperation: Sendable, Equatable {
    case rmsNorm(epsilon: Float)
    case layerNorm(epsilon: Float)
    case softmax
}
