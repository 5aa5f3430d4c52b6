import Tensors

/// Editor state that outlives one edit call, held explicitly instead of in globals (EasyEdit keeps
/// it in module-level caches keyed by model name).
///
/// Two kinds of state:
/// - **Persistent tensors** (``tensors``): state an editor needs to continue a lifelong run
///   exactly — AlphaEdit's key cache K_p K_pᵀ, UltraEdit's running normaliser. They are saved
///   and loaded with the session's edits, and tied to the base checkpoint's fingerprint.
/// - **Caches** (``cached(_:_:)``): values that can always be recomputed — context templates,
///   covariance matrices and their inverses, projectors — keyed by everything they depend on
///   (statistics file, layer, model fingerprint), so a stale entry is never reused for another
///   model. They are not saved.
///
/// ``reset()`` forgets both.
public final class EditState {
    /// Identifies the base checkpoint this state belongs to (see ``TextEncoder``).
    public let modelFingerprint: String
    /// Named tensors that persist across edits and are saved with the session.
    public var tensors: [String: Tensor] = [:]
    private var caches: [String: Any] = [:]

    public init(modelFingerprint: String) {
        self.modelFingerprint = modelFingerprint
    }

    /// The cached value for `key`, computing and storing it with `make` on first use.
    public func cached<Value>(_ key: String, _ make: () throws -> Value) rethrows -> Value {
        if let value = caches[key] as? Value { return value }
        let value = try make()
        caches[key] = value
        return value
    }

    /// Drops one cache entry (e.g. after the statistics it was computed from changed).
    public func invalidate(_ key: String) { caches[key] = nil }

    /// Forgets every cache and persistent tensor.
    public func reset() {
        caches.removeAll()
        tensors.removeAll()
    }
}
