import Tensors
import Foundation

@main
struct MokusBench {
    static func main() {
        print("OpenBLAS: \(BLAS.configuration), core \(BLAS.coreName), threads \(BLAS.threadCount)")
    }
}
