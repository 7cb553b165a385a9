with campaign_metrics as (
    select * from {{ ref('stg_report__city_campaigns') }}
),

qualifier_labels as (
    select * from {{ ref('lkp_qualifier') }}
),

derived as (
    select
        campaign_metrics.campaign_metric_key,
        campaign_metrics.city_zh,
        campaign_metrics.city_en,
        campaign_metrics.metric_scope_zh,
        campaign_metrics.metric_scope_en,
        campaign_metrics.campaign_zh,
        campaign_metrics.campaign_en,
        campaign_metrics.platform_zh,
        campaign_metrics.platform,
        campaign_metrics.campaign_year,
        campaign_metrics.campaign_month,
        campaign_metrics.metric_year,
        campaign_metrics.as_of_date,
        campaign_metrics.metric_zh,
        campaign_metrics.metric_en,
        campaign_metrics.metric_type,
        campaign_metrics.value_raw,
        campaign_metrics.qualifier,
        qualifier_labels.qualifier_zh,
        qualifier_labels.qualifier_en,
        campaign_metrics.value,
        campaign_metrics.value_low,
        campaign_metrics.value_high,
        campaign_metrics.unit,
        campaign_metrics.value is not null or campaign_metrics.value_low is not null as has_figure,
        -- 增长N倍 reads two ways: the result is N times the base, or the base plus N times the base.
        case
            when campaign_metrics.metric_type = 'growth_multiple'
                then cast(campaign_metrics.value as decimal(20, 4))
        end as derived_ratio_if_times_base,
        case
            when campaign_metrics.metric_type = 'growth_multiple'
                then cast(campaign_metrics.value + 1 as decimal(20, 4))
        end as derived_ratio_if_increase_by,
        -- Shares of one whole (北京's ~33% and ~67%) should add up to about 100.
        case
            when campaign_metrics.metric_type = 'share_of_suggestions'
                then cast(
                    sum(campaign_metrics.value) over (
                        partition by
                            campaign_metrics.city_zh,
                            campaign_metrics.campaign_zh,
                            campaign_metrics.metric_type
                    ) as decimal(20, 4)
                )
        end as derived_share_group_total_pct,
        campaign_metrics.report_section,
        campaign_metrics.quote_zh,
        campaign_metrics.cited_source,
        campaign_metrics.note
    from campaign_metrics
    left join qualifier_labels
        on campaign_metrics.qualifier = qualifier_labels.qualifier
)

select * from derived
