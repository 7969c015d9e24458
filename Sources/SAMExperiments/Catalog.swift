/// The paper's items, in the order of the report. `samlab reproduce ITEM` runs one of them alone.
public enum Catalog {
    /// Every item: fig1, fig2, fig3, fig4, thm31, thm32, thm44, ablations, fig5 (MNIST, GD and ℓ₂-SAM), then beyond the
    /// paper's main text: fig5-fashion (the same comparison with SGD on Fashion-MNIST), fig7 (the appendix's
    /// multi-example figure) and reviewers (the public reviews' questions); then the literature's results on the same
    /// models (claims of kind `literature`, THEORY.md §9): quadratic-two-cycle, normalization, one-sam-sparsity,
    /// sam-edge, sharpness-flavours, kernel-to-rich.
    public static let items: [ReproductionItem] = [Figure1.item, Figure2.item, Figure3.item, Figure4.item, Theorem31.item, Theorem32.item, Theorem44.item, Ablations.item, Figure5.item,
                                                  Figure5Fashion.item, Figure7.item, Reviewers.item,
                                                  QuadraticTwoCycle.item, Normalization.item, OneSAMSparsity.item, SAMEdge.item, SharpnessFlavours.item, KernelToRich.item]

    /// The item with identifier `id` (`fig4`), or nil.
    public static func item(_ id: String) -> ReproductionItem? { items.first { $0.id == id } }
}
