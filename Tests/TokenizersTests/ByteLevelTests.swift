import Testing
@testable import Tokenizers

@Suite("GPT-2 byte ↔ character map")
struct ByteLevelTests {
    @Test("Printable bytes keep their code; the 68 others map in order from U+0100", arguments: [
        (0x21, "!"), (0x41, "A"), (0x7E, "~"), (0xA1, "¡"), (0xAC, "¬"), (0xAE, "®"), (0xFF, "ÿ"),
        (0x00, "Ā"), (0x09, "ĉ"), (0x0A, "Ċ"), (0x0D, "č"), (0x20, "Ġ"), (0x7F, "ġ"), (0x80, "Ģ"),
        (0xA0, "ł"), (0xAD, "Ń"),
    ])
    func knownCharacters(byte: Int, character: String) {
        #expect(String(ByteLevel.characterForByte[byte]) == character)
    }

    @Test("The map is a bijection and bytes round-trip through token spellings")
    func roundTrip() {
        #expect(Set(ByteLevel.characterForByte).count == 256)
        let allBytes = (0..<256).map(UInt8.init)
        let token = ByteLevel.token(forBytes: allBytes)
        #expect(ByteLevel.bytes(forToken: token) == allBytes)
        #expect(ByteLevel.bytes(forToken: "ĠHello") == Array(" Hello".utf8))
    }

    @Test("Tokens spelled outside the byte characters decode as their own UTF-8")
    func nonByteCharacters() {
        #expect(ByteLevel.bytes(forToken: "<x é>") == nil)           // the space is not a byte character
        #expect(ByteLevel.decodedBytes(ofToken: "<x é>") == Array("<x é>".utf8))
        #expect(ByteLevel.decodedBytes(ofToken: "<|im_end|>") == Array("<|im_end|>".utf8))
        #expect(ByteLevel.bytes(forToken: "ǘ") == nil)
    }
}
