import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { QueryInteger } from './validation.js';

export class PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, default: 200, example: 200 })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 200;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 2_147_483_647, default: 0, example: 0, description: 'Items to skip.' })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  offset: number = 0;
}
