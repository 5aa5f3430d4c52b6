import Foundation

extension NSNumber {
    /// Whether this number came from a JSON `true`/`false` (JSONSerialization gives booleans the
    /// Objective-C type `c`). `value is Bool` cannot tell: on Linux an NSNumber holding the integer
    /// 0 or 1 casts to `Bool` too, so a config's `"num_key_value_heads": 1` or a LoRA's `"r": 1`
    /// would pass for a boolean.
    public var isJSONBoolean: Bool { String(cString: objCType) == "c" }
}
