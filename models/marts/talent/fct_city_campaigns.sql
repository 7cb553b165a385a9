with campaign_metrics as (
    select * from {{ ref('int_city_campaigns_derived') }}
)

select
    campaign_metric_key,
    city_zh,
    city_en,
    metric_scope_zh,
    metric_scope_en,
    campaign_zh,
    campaign_en,
    platform_zh,
    platform,
    campaign_year,
    campaign_month,
    metric_year,
    as_of_date,
    metric_zh,
    metric_en,
    metric_type,
    has_figure,
    value_raw,
    qualifier,
    qualifier_zh,
    qualifier_en,
    value,
    value_low,
    value_high,
    unit,
    derived_ratio_if_times_base,
    derived_ratio_if_increase_by,
    derived_share_group_total_pct,
    report_section,
    quote_zh,
    cited_source,
    note
from campaign_metrics
