// The small CNN the quality test and the CAM benchmark train on the shapes dataset (seeded: same weights each run
// on a given backend).
import { tf } from "../../src/index";
import { shapesDataset, type ShapesDataset } from "../../src/data/shapes";

export function shapesCnn(size: number, classes: number, seed = 42): tf.Sequential {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed + k });
  const model = tf.sequential({ name: "shapes_cnn" });
  model.add(
    tf.layers.conv2d({
      inputShape: [size, size, 3],
      filters: 16,
      kernelSize: 3,
      padding: "same",
      activation: "relu",
      kernelInitializer: init(1),
      name: "conv1",
    }),
  );
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: "pool1" }));
  model.add(
    tf.layers.conv2d({
      filters: 32,
      kernelSize: 3,
      padding: "same",
      activation: "relu",
      kernelInitializer: init(2),
      name: "conv2",
    }),
  );
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: "pool2" }));
  model.add(
    tf.layers.conv2d({
      filters: 32,
      kernelSize: 3,
      padding: "same",
      activation: "relu",
      kernelInitializer: init(3),
      name: "last_conv",
    }),
  );
  model.add(tf.layers.globalAveragePooling2d({ name: "gap" }));
  model.add(tf.layers.dense({ units: classes, kernelInitializer: init(4), name: "logits" }));
  return model;
}

/** Trains with Adam on softmax cross-entropy (logits out, so CAMs explain logits as pytorch-grad-cam does). */
export async function train(
  model: tf.LayersModel,
  images: tf.Tensor4D,
  labels: number[],
  classes: number,
  epochs: number,
): Promise<void> {
  model.compile({
    optimizer: tf.train.adam(0.003),
    loss: (y: tf.Tensor, p: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, p),
  });
  const ys = tf.oneHot(labels, classes);
  await model.fit(images, ys, { epochs, batchSize: 32, shuffle: false, verbose: 0 });
  ys.dispose();
}

/** The shapes CNN trained on 2,400 seeded images, with 200 held-out images (the caller disposes) and its accuracy on them. */
export async function trainedShapesCnn(): Promise<{
  model: tf.Sequential;
  testSet: ShapesDataset;
  accuracy: number;
}> {
  const trainSet = shapesDataset({ count: 2400, seed: 1 });
  const testSet = shapesDataset({ count: 200, seed: 2 });
  const model = shapesCnn(32, 4);
  await train(model, trainSet.images, trainSet.labels, 4, 10);
  trainSet.dispose();
  const predicted = tf.tidy(() =>
    Array.from((model.predict(testSet.images) as tf.Tensor).argMax(1).dataSync()),
  );
  const accuracy = predicted.filter((p, i) => p === testSet.labels[i]).length / predicted.length;
  return { model, testSet, accuracy };
}
