// The attributes an evaluator recognises: an ordered list of attributes, each with its ordered
// class names. Labels, classification heads and checkpoint tensor names all follow this order.

/// One attribute of a rendered object (`shape`) and its classes (`circle`, `square`, …), in the
/// order that labels index them.
public struct ImageAttribute: Codable, Sendable, Equatable {
    public let name: String
    public let classes: [String]

    public init(name: String, classes: [String]) {
        self.name = name
        self.classes = classes
    }
}

/// The ordered attributes of a synthetic world's images, e.g. shape, colour, pattern, size and
/// background. Attribute `a` has a classification head with `attributes[a].classes.count` logits;
/// a label row gives one class index per attribute in this order.
///
/// ```swift
/// let schema = try AttributeSchema([
///     ImageAttribute(name: "shape", classes: ["circle", "square", "triangle"]),
///     ImageAttribute(name: "colour", classes: ["red", "green", "blue"]),
/// ])
/// ```
public struct AttributeSchema: Codable, Sendable, Equatable {
    public let attributes: [ImageAttribute]

    /// - Throws: ``EvaluatorError/invalidSchema(reason:)`` when there is no attribute, an
    ///   attribute has no class, or a name repeats (among attributes, or among one attribute's classes).
    public init(_ attributes: [ImageAttribute]) throws {
        self.attributes = attributes
        try validate()
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        attributes = try container.decode([ImageAttribute].self, forKey: .attributes)
        do {
            try validate()
        } catch let error as EvaluatorError {
            throw DecodingError.dataCorruptedError(
                forKey: .attributes, in: container, debugDescription: "a valid attribute schema (\(error))")
        }
    }

    /// Number of attributes (classification heads).
    public var count: Int { attributes.count }

    /// The attribute names, in order.
    public var names: [String] { attributes.map(\.name) }

    /// The index of the attribute called `name`.
    ///
    /// - Throws: ``EvaluatorError/unknownAttribute(name:known:)``.
    public func attributeIndex(_ name: String) throws -> Int {
        guard let index = attributes.firstIndex(where: { $0.name == name }) else {
            throw EvaluatorError.unknownAttribute(name: name, known: names)
        }
        return index
    }

    /// The class index of `className` within attribute `attribute`.
    ///
    /// - Throws: ``EvaluatorError/unknownClass(attribute:name:known:)``.
    public func classIndex(_ className: String, of attribute: Int) throws -> Int {
        let classes = attributes[attribute].classes
        guard let index = classes.firstIndex(of: className) else {
            throw EvaluatorError.unknownClass(attribute: attributes[attribute].name, name: className, known: classes)
        }
        return index
    }

    /// Resolves a partial attribute assignment (`["shape": "star", "colour": "red"]`) to
    /// (attribute index, class index) pairs sorted by attribute index.
    ///
    /// - Throws: ``EvaluatorError/emptyCaption``, ``EvaluatorError/unknownAttribute(name:known:)``
    ///   or ``EvaluatorError/unknownClass(attribute:name:known:)``.
    public func resolve(_ assignment: [String: String]) throws -> [(attribute: Int, classIndex: Int)] {
        guard !assignment.isEmpty else { throw EvaluatorError.emptyCaption }
        return try assignment.map { name, className in
            let attribute = try attributeIndex(name)
            return (attribute, try classIndex(className, of: attribute))
        }.sorted { $0.attribute < $1.attribute }
    }

    private func validate() throws {
        guard !attributes.isEmpty else { throw EvaluatorError.invalidSchema(reason: "no attributes") }
        if let repeated = Self.firstRepeat(in: names) {
            throw EvaluatorError.invalidSchema(reason: "attribute '\(repeated)' appears twice")
        }
        for attribute in attributes {
            guard !attribute.classes.isEmpty else {
                throw EvaluatorError.invalidSchema(reason: "attribute '\(attribute.name)' has no classes")
            }
            if let repeated = Self.firstRepeat(in: attribute.classes) {
                throw EvaluatorError.invalidSchema(reason: "class '\(repeated)' appears twice in '\(attribute.name)'")
            }
        }
    }

    private static func firstRepeat(in names: [String]) -> String? {
        var seen = Set<String>()
        return names.first { !seen.insert($0).inserted }
    }
}
