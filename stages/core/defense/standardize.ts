/**
 * Z-scores each feature column (mean 0, standard deviation 1) so no feature dominates a distance by its
 * unit. A constant column becomes all zeros rather than NaN.
 */
export function standardize(features: readonly (readonly number[])[]): number[][] {
  const n = features.length;
  const width = features[0]?.length ?? 0;
  const means = new Array<number>(width).fill(0);
  const deviations = new Array<number>(width).fill(0);
  for (let f = 0; f < width; f++) {
    let sum = 0;
    for (const row of features) sum += row[f] as number;
    const mean = n === 0 ? 0 : sum / n;
    let squares = 0;
    for (const row of features) squares += ((row[f] as number) - mean) ** 2;
    means[f] = mean;
    deviations[f] = n === 0 ? 0 : Math.sqrt(squares / n);
  }
  return features.map((row) =>
    row.map((value, f) => {
      const deviation = deviations[f] as number;
      return deviation === 0 ? 0 : (value - (means[f] as number)) / deviation;
    }),
  );
}
