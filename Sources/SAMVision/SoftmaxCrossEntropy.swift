import Foundation

/// Mean cross-entropy of softmax(logits) against integer labels, and its gradient with respect to the logits.
///
/// Computed as log-sum-exp minus the true logit, with the maximum subtracted first, so large logits neither
/// overflow to inf nor make the loss NaN; the sums run in Double so the mean over a large batch keeps its digits.
public enum SoftmaxCrossEntropy {
    /// Returns the mean loss, the gradient (softmax - onehot) / N, and how many argmax predictions are correct.
    public static func evaluate(logits: Tensor, labels: [Int]) -> (loss: Double, gradient: Tensor, correct: Int) {
        let n = logits.batch, c = logits.perExample
        precondition(labels.count == n, "\(labels.count) labels for a batch of \(n)")
        var grad = [Float](repeating: 0, count: n * c)
        var total = 0.0
        var correct = 0
        for s in 0..<n {
            let row = s * c
            var maxIndex = 0
            for j in 1..<c where logits.data[row + j] > logits.data[row + maxIndex] { maxIndex = j }
            let m = Double(logits.data[row + maxIndex])
            var sum = 0.0
            for j in 0..<c { sum += exp(Double(logits.data[row + j]) - m) }
            let logSum = m + log(sum)
            total += logSum - Double(logits.data[row + labels[s]])
            if maxIndex == labels[s] { correct += 1 }
            for j in 0..<c {
                let p = exp(Double(logits.data[row + j]) - logSum)
                grad[row + j] = Float((p - (j == labels[s] ? 1 : 0)) / Double(n))
            }
        }
        return (total / Double(n), Tensor(shape: logits.shape, data: grad), correct)
    }
}
