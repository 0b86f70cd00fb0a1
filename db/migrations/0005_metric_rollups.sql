CREATE TABLE "metric_rollups" (
	"day" date NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"values" jsonb NOT NULL,
	CONSTRAINT "metric_rollups_day_kind_key_pk" PRIMARY KEY("day","kind","key")
);
