import { Module } from '@nestjs/common';
import { DepartmentsController } from './departments.controller.js';
import { CreateDepartment, DeleteDepartment, GetDepartment, ListDepartments, UpdateDepartment } from './departments.use-cases.js';

@Module({
  controllers: [DepartmentsController],
  providers: [ListDepartments, GetDepartment, CreateDepartment, UpdateDepartment, DeleteDepartment],
})
export class DepartmentsModule {}
