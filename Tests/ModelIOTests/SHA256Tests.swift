import Foundation
import ModelIO
import Testing

@Suite("SHA-256 (FIPS 180-4) against the NIST test vectors")
struct SHA256Tests {
    /// NIST CSRC "Example Algorithm Implementations", SHA256.pdf: one-block, two-block messages.
    @Test("short NIST messages", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
            + "mnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func nistMessages(message: String, digest: String) {
        #expect(SHA256.hex(of: Data(message.utf8)) == digest)
    }

    @Test("one million 'a', fed in uneven pieces")
    func millionA() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        var hasher = SHA256()
        var start = 0
        var piece = 1
        while start < message.count {
            let end = min(message.count, start + piece)
            message[start..<end].withUnsafeBytes { hasher.update($0) }
            start = end
            piece = piece * 3 % 997 + 1  // 1, 4, 13, 40, … : crosses block boundaries every way
        }
        #expect(hasher.finalize() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("splitting the input anywhere gives the same digest", arguments: [0, 1, 55, 56, 63, 64, 65, 119, 128])
    func splitInvariance(split: Int) {
        let message = Data((0..<200).map { UInt8($0 % 251) })
        var hasher = SHA256()
        hasher.update(message.prefix(split))
        hasher.update(message.dropFirst(split))
        #expect(hasher.finalize() == SHA256.hex(of: message))
    }

    @Test("length fields and text are hashed as their bytes")
    func typedUpdates() {
        var hasher = SHA256()
        hasher.update(littleEndian: 0x0102)
        hasher.update("é")
        #expect(hasher.finalize() == SHA256.hex(of: Data([0x02, 0x01, 0, 0, 0, 0, 0, 0, 0xC3, 0xA9])))
    }
}
