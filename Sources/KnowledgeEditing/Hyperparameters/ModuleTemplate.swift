import Foundation
import ModelInterfaces
import ModelIO

/// An EasyEdit module-name template such as `model.layers.{}.mlp.down_proj` (`rewrite_module_tmp`),
/// or a fixed module name such as `model.norm` (`ln_f_module`), checked against a model's module
/// names before any computation.
///
/// `{}` stands for the layer index, as in Python's `str.format`. Names are Hugging Face module
/// names, the same ones ``ForwardHooks`` take. A checkpoint may spell them differently from the
/// template (Qwen2.5-VL's text tower is `model.language_model.layers.{}` in recent checkpoints and
/// `model.layers.{}` in older ones): resolution then fails and names the nearest modules the
/// checkpoint does have.
///
/// ```swift
/// let rewrite = ModuleTemplate(key: "rewrite_module_tmp", pattern: "model.layers.{}.mlp.down_proj")
/// let modules = try rewrite.resolve(layers: [4, 5], in: encoder.info)
/// // ["model.layers.4.mlp.down_proj", "model.layers.5.mlp.down_proj"]
/// ModuleTemplate.weightName(ofModule: modules[0])   // "model.layers.4.mlp.down_proj.weight"
/// ```
public struct ModuleTemplate: Sendable, Equatable, CustomStringConvertible {
    /// The layer-index placeholder.
    public static let placeholder = "{}"

    /// The hparams key the template came from (named in errors).
    public var key: String
    /// The template text.
    public var pattern: String

    public init(key: String, pattern: String) {
        self.key = key
        self.pattern = pattern
    }

    public var description: String { pattern }

    /// Whether the template takes a layer index.
    public var isPerLayer: Bool { pattern.contains(Self.placeholder) }

    /// The template with `{}` replaced by `layer`; no check against a model.
    public func name(layer: Int) -> String {
        pattern.replacingOccurrences(of: Self.placeholder, with: String(layer))
    }

    /// The module name for `layer`, checked against `info`.
    ///
    /// - Throws: ``HyperparameterError/layerOutOfRange(key:template:layer:layerCount:)`` when
    ///   `layer` is outside `0..<info.layerCount`;
    ///   ``HyperparameterError/moduleNotFound(key:template:layer:module:nearest:)`` when the
    ///   filled-in name is not one of `info.moduleNames`.
    public func resolve(layer: Int, in info: TextEncoderInfo) throws -> String {
        guard (0..<info.layerCount).contains(layer) else {
            throw HyperparameterError.layerOutOfRange(
                key: key, template: pattern, layer: layer, layerCount: info.layerCount)
        }
        return try check(name(layer: layer), layer: layer, in: info)
    }

    /// The module names for `layers`, in order, each checked as ``resolve(layer:in:)``.
    public func resolve(layers: [Int], in info: TextEncoderInfo) throws -> [String] {
        try layers.map { try resolve(layer: $0, in: info) }
    }

    /// The fixed module name (a template without `{}`), checked against `info`.
    ///
    /// - Throws: ``HyperparameterError/moduleNotFound(key:template:layer:module:nearest:)``.
    public func resolve(in info: TextEncoderInfo) throws -> String {
        try check(pattern, layer: nil, in: info)
    }

    /// The name of a module's weight parameter: `<module>.weight` (Hugging Face's convention for
    /// `nn.Linear`, GPT-2's `Conv1D`, embeddings and norms).
    public static func weightName(ofModule module: String) -> String {
        module + ".weight"
    }

    private func check(_ module: String, layer: Int?, in info: TextEncoderInfo) throws -> String {
        if info.moduleNames.contains(module) { return module }
        throw HyperparameterError.moduleNotFound(
            key: key, template: pattern, layer: layer, module: module,
            nearest: Self.nearest(to: module, among: info.moduleNames))
    }

    /// The three module names closest to `module` by edit distance (ties by name).
    private static func nearest(to module: String, among names: [String]) -> [String] {
        names.map { (name: $0, distance: EditDistance.between(module, $0)) }
            .sorted { ($0.distance, $0.name) < ($1.distance, $1.name) }
            .prefix(3)
            .map(\.name)
    }
}
