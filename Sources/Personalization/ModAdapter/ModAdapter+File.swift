import Foundation
import ModelIO
import Tensors

/// The adapter file (safetensors): the network's parameters under their names, the k-means
/// centroids as `router.centroids` `[K, E]`, and `__metadata__["mokus_modadapter"]` =
/// `{"format": 1, "configuration": {...}, "neutral_template", "generator_fingerprint",
/// "encoder_fingerprint", "stages"}`.
extension ModAdapter {
    public static let metadataKey = "mokus_modadapter"

    struct Header: Codable, VersionedHeader {
        var format: Int
        var configuration: ModAdapterConfiguration
        var neutralTemplate: String
        var generatorFingerprint: String
        var encoderFingerprint: String
        var stages: [String]

        enum CodingKeys: String, CodingKey {
            case format, configuration, stages
            case neutralTemplate = "neutral_template", generatorFingerprint = "generator_fingerprint"
            case encoderFingerprint = "encoder_fingerprint"
        }
    }

    /// Writes the file atomically (temporary file, then rename).
    public func write(to url: URL) throws {
        let header = Header(
            format: 1, configuration: configuration, neutralTemplate: neutralTemplate,
            generatorFingerprint: generatorFingerprint, encoderFingerprint: encoderFingerprint, stages: stages)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var entries = network.parameterShapes.map { name, _ in
            guard let value = parameters[name] else { preconditionFailure("ModAdapter: no parameter \(name) to write") }
            return SafetensorsEntry(name, value)
        }
        if let router {
            entries.append(SafetensorsEntry(
                "router.centroids",
                Tensor(shape: [router.centroids.count, configuration.textWidth], scalars: router.centroids.flatMap { $0 })))
        }
        try SafetensorsWriter.write(
            entries, to: url, metadata: [Self.metadataKey: String(decoding: try encoder.encode(header), as: UTF8.self)])
    }

    /// Reads an adapter file and checks it against the generator and text encoder it will run with.
    ///
    /// - Parameters:
    ///   - generatorFingerprint, encoderFingerprint: nil skips that check.
    /// - Throws: ``PersonalizationError/malformedModulationFile(file:key:reason:)`` for a file that is
    ///   not safetensors, lacks or garbles the metadata, or holds a missing, misshapen or non-finite
    ///   tensor; ``PersonalizationError/componentMismatch(file:component:expected:found:)`` for
    ///   another generator or encoder.
    public static func read(from url: URL, generatorFingerprint: String?, encoderFingerprint: String?) throws -> ModAdapter {
        let opened = try PersonalizationFile<Header>(
            url: url, metadataKey: metadataKey, writer: "mokus modadapter pretrain|train")
        let (path, header, malformed) = (opened.path, opened.header, opened.malformed)
        for (component, expected, found) in [
            ("generator", generatorFingerprint, header.generatorFingerprint), ("text encoder", encoderFingerprint, header.encoderFingerprint),
        ] {
            if let expected, expected != found {
                throw PersonalizationError.componentMismatch(file: path, component: component, expected: expected, found: found)
            }
        }
        let c = header.configuration
        let sizes = [c.imageChannels, c.textWidth, c.attentionWidth, c.hiddenWidth, c.outputWidth, c.queries, c.experts]
        guard sizes.allSatisfy({ (1...65_536).contains($0) }), c.routing != .single || c.experts == 1 else {
            throw malformed("configuration", "expected sizes in 1...65536 (one expert for single routing), found \(sizes) (\(c.routing.rawValue))")
        }
        func tensor(_ name: String, shape: [Int]) throws -> Tensor {
            guard let value = try opened.tensor(name, shape: shape) else { throw malformed(name, "missing") }
            return value
        }
        let network = ModAdapterNetwork(configuration: c)
        var parameters: [String: Tensor] = [:]
        for (name, shape) in network.parameterShapes { parameters[name] = try tensor(name, shape: shape) }
        let router = try c.routing == .kmeans
            ? KMeans(centroids: tensor("router.centroids", shape: [c.experts, c.textWidth]).scalars.chunked(c.textWidth))
            : nil
        return ModAdapter(
            configuration: c, parameters: parameters, router: router, neutralTemplate: header.neutralTemplate,
            generatorFingerprint: header.generatorFingerprint, encoderFingerprint: header.encoderFingerprint,
            stages: header.stages)
    }
}

extension Array {
    /// Consecutive slices of `size` elements.
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min(count, $0 + size)]) }
    }
}
