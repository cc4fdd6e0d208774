"""Apache Spark: the engine past one machine. ``session`` starts or reaches the SparkSession; the feature
engine (``workbench.spark.features``) and the profile engine push their work down as SQL and aggregates."""
